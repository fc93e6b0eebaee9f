package dev.latchkey.common.http;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Echoes the request id on every answer so that callers can quote it and find it in the audit log. */
public class RequestIdFilter {

    @Inject
    RequestInfo requestInfo;

    @ServerResponseFilter
    public void addRequestId(ContainerResponseContext response) {
        response.getHeaders().putSingle(RequestInfo.REQUEST_ID_HEADER, requestInfo.requestId());
    }
}
