package dev.latchkey.gateway;

import io.vertx.core.http.HttpServerRequest;

/** Where a gateway or client presents a key in headers: {@code Authorization: Bearer} or {@code X-API-Key}. */
public final class PresentedKey {

    private PresentedKey() {
    }

    /** The key from the request's headers, trimmed, or null when there is none. */
    public static String fromHeaders(HttpServerRequest req) {
        return of(req.getHeader("Authorization"), req.getHeader("X-API-Key"));
    }

    /** The key from an {@code Authorization} and an {@code X-API-Key} value (either may be null). */
    public static String of(String authorization, String apiKey) {
        if (authorization != null && authorization.length() > 7
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return apiKey == null ? null : apiKey.trim();
    }
}
