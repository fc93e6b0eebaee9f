package dev.latchkey.gateway;

import java.util.List;
import java.util.function.UnaryOperator;

import dev.latchkey.vocabulary.Permissions;

/**
 * What a gateway asks, read the same way from every transport (README, "Gateway mode"): the key from
 * {@code Authorization: Bearer} or {@code X-API-Key}; the workspace, permission, mode and token wish from the
 * parameters {@code workspace}, {@code permission}, {@code mode} and {@code token} — the query of the fixed
 * {@code /authorize} URL, the context extensions of a gRPC check: what the operator configured — else from
 * {@code X-Latchkey-Workspace}, {@code X-Latchkey-Permission}, {@code X-Latchkey-Mode} and
 * {@code X-Latchkey-Want-Token}, which a gateway sets, or passes on from the client when it forwards every header. So
 * the operator's own parameters are never overridden by a header a client sent. {@code invalid} names what could not be
 * read (the request is then answered 400, on every transport).
 */
public record GatewayQuestion(String key, String workspace, List<String> permissions, boolean nginx, String wantToken,
        String invalid) {

    /**
     * @param header
     *            a request header by its lower-case name (null when absent)
     * @param param
     *            a parameter by name (null when absent)
     */
    public static GatewayQuestion read(UnaryOperator<String> header, UnaryOperator<String> param) {
        String key = PresentedKey.of(header.apply("authorization"), header.apply("x-api-key"));
        boolean nginx = "nginx".equalsIgnoreCase(first(param.apply("mode"), header.apply("x-latchkey-mode")));
        String wantToken = first(param.apply("token"), header.apply("x-latchkey-want-token"));
        if (key == null || key.isEmpty()) {
            return new GatewayQuestion(null, null, null, nginx, wantToken, null);
        }
        String workspace = first(param.apply("workspace"), header.apply("x-latchkey-workspace"));
        String fromParam = first(param.apply("permission"), null);
        String permission = fromParam != null ? fromParam : first(header.apply("x-latchkey-permission"), null);
        List<String> permissions = permission == null ? null : Permissions.parseList(permission);
        String invalid = permission == null || permissions != null ? null
                : fromParam != null ? "permission" : "X-Latchkey-Permission";
        return new GatewayQuestion(key, workspace, permissions, nginx, wantToken, invalid);
    }

    /** No key was presented: answered like an unknown key. */
    public boolean noKey() {
        return key == null;
    }

    private static String first(String preferred, String fallback) {
        String v = preferred != null && !preferred.isBlank() ? preferred : fallback;
        return v == null || v.isBlank() ? null : v.trim();
    }
}
