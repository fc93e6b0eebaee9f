package dev.latchkey.gateway.authorize;

import io.vertx.core.http.HttpServerRequest;

import dev.latchkey.verify.VerifyRequest;

/**
 * The request a gateway asks about, as each reports it (README, "Verify API"), read only when the key has route rules:
 * nginx {@code X-Original-Method} + {@code X-Original-URI}; Traefik {@code X-Forwarded-Method} +
 * {@code X-Forwarded-Uri}; Envoy's HTTP ext_authz appends the original path to {@code /authorize} and keeps the
 * original method. A gateway that says nothing gives no path, and a key with routes is then refused. Envoy's form is
 * taken first: a client cannot forge it, whereas the headers are only as trustworthy as the gateway configuration that
 * sets them (the examples in {@code src/main/kubernetes} overwrite whatever the client sent).
 */
final class OriginalRequest implements VerifyRequest.Original {

    private static final String PREFIX = "/authorize/";

    private final HttpServerRequest req;

    OriginalRequest(HttpServerRequest req) {
        this.req = req;
    }

    @Override
    public String method() {
        if (envoyPath() != null) {
            return req.method().name();
        }
        // the method from the same gateway's pair as the path
        String header = req.getHeader("X-Original-URI") != null ? "X-Original-Method"
                : req.getHeader("X-Forwarded-Uri") != null ? "X-Forwarded-Method" : null;
        String method = header == null ? null : req.getHeader(header);
        return method == null ? null : method.trim();
    }

    @Override
    public String path() {
        String envoy = envoyPath();
        if (envoy != null) {
            return envoy;
        }
        String nginx = req.getHeader("X-Original-URI");
        if (nginx != null) {
            return nginx.trim();
        }
        String traefik = req.getHeader("X-Forwarded-Uri");
        if (traefik != null) {
            return traefik.trim();
        }
        return null;
    }

    /** The original path Envoy appended to /authorize, or null for the bare /authorize. */
    private String envoyPath() {
        String uri = req.uri();
        return uri.startsWith(PREFIX) ? uri.substring(PREFIX.length() - 1) : null;
    }
}
