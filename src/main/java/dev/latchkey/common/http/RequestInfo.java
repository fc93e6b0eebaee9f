package dev.latchkey.common;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.vertx.core.http.HttpServerRequest;

/**
 * Facts about the current HTTP request that the audit log and error answers need: a request id (the caller's
 * {@code X-Request-Id} when it is well-formed, else a fresh UUID) and the client IP.
 */
@RequestScoped
public class RequestInfo {

    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Inject
    HttpServerRequest request;

    private String requestId;

    /** The request id, stable for the whole request. */
    public String requestId() {
        if (requestId == null) {
            String given = request.getHeader(REQUEST_ID_HEADER);
            requestId = given != null && SAFE_REQUEST_ID.matcher(given).matches() ? given
                    : UUID.randomUUID().toString();
        }
        return requestId;
    }

    /** The connection's remote address (gateways' forwarded addresses are the verify path's business). */
    public String clientIp() {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    /** A request header, or null. */
    public String header(String name) {
        return request.getHeader(name);
    }
}
