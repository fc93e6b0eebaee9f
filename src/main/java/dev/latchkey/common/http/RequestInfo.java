package dev.latchkey.common.http;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.vertx.core.http.HttpServerRequest;

import dev.latchkey.error.CurrentRequest;
import dev.latchkey.error.RequestIds;

/**
 * Facts about the current HTTP request that the audit log and error answers need: a request id (the caller's
 * {@code X-Request-Id} when it is well-formed, else a fresh UUID) and the client IP.
 */
@RequestScoped
public class RequestInfo implements CurrentRequest {

    public static final String REQUEST_ID_HEADER = RequestIds.HEADER;

    @Inject
    HttpServerRequest request;

    private String requestId;

    /** The request id, stable for the whole request. */
    @Override
    public String requestId() {
        if (requestId == null) {
            requestId = RequestIds.of(request);
        }
        return requestId;
    }

    /** The connection's remote address (gateways' forwarded addresses are the verify path's business). */
    public String clientIp() {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    /** The request's path (not decoded). */
    @Override
    public String path() {
        return request.path();
    }

    /** A request header, or null. */
    public String header(String name) {
        return request.getHeader(name);
    }
}
