package dev.latchkey.gateway;

import java.util.List;
import java.util.function.UnaryOperator;

import dev.latchkey.security.Permissions;
import dev.latchkey.verify.http.PresentedKey;

/**
 * What a gateway asks, read the same way from every transport (README, "Gateway mode"): the key from
 * {@code Authorization: Bearer} or {@code X-API-Key}; the workspace, permission, mode and token wish from
 * {@code X-Latchkey-Workspace}, {@code X-Latchkey-Permission}, {@code X-Latchkey-Mode} and
 * {@code X-Latchkey-Want-Token}, else from the parameters {@code workspace}, {@code permission}, {@code mode} and
 * {@code token} (query parameters over HTTP, context extensions over gRPC). {@code invalid} names a header that could
 * not be read (the request is then answered 400, on every transport).
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
        boolean nginx = "nginx".equalsIgnoreCase(first(header.apply("x-latchkey-mode"), param.apply("mode")));
        String wantToken = first(header.apply("x-latchkey-want-token"), param.apply("token"));
        if (key == null || key.isEmpty()) {
            return new GatewayQuestion(null, null, null, nginx, wantToken, null);
        }
        String workspace = first(header.apply("x-latchkey-workspace"), param.apply("workspace"));
        String permission = first(header.apply("x-latchkey-permission"), param.apply("permission"));
        List<String> permissions = permission == null ? null : Permissions.parseList(permission);
        String invalid = permission != null && permissions == null ? "X-Latchkey-Permission" : null;
        return new GatewayQuestion(key, workspace, permissions, nginx, wantToken, invalid);
    }

    /** No key was presented: answered like an unknown key. */
    public boolean noKey() {
        return key == null;
    }

    private static String first(String header, String param) {
        String v = header != null && !header.isBlank() ? header : param;
        return v == null || v.isBlank() ? null : v.trim();
    }
}
