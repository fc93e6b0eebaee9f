package dev.latchkey.verify.http;

import io.vertx.core.http.HttpServerRequest;

/** Where a gateway or client presents a key in headers: {@code Authorization: Bearer} or {@code X-API-Key}. */
public final class PresentedKey {

    /**
     * Route order of the hot routes ({@code /verify}, {@code /authorize}): ahead of Quarkus' HTTP security filters
     * (orders -100 to -300). These routes authenticate the presented key themselves; the framework's per-request
     * security set-up (lazy authentication, context capture, REST template matching) cost more than the verification.
     */
    public static final int ROUTE_ORDER = -1_000;

    private PresentedKey() {
    }

    /** The key from the request's headers, trimmed, or null when there is none. */
    public static String fromHeaders(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String apiKey = req.getHeader("X-API-Key");
        return apiKey == null ? null : apiKey.trim();
    }
}
