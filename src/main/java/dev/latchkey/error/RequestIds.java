package dev.latchkey.error;

import java.util.UUID;

import io.vertx.core.http.HttpServerRequest;

/** The request id of an answer: the caller's {@code X-Request-Id} when it is well-formed, else a fresh UUID. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";

    private RequestIds() {
    }

    /** The id for this request (the caller's, when safe to echo and log). */
    public static String of(HttpServerRequest request) {
        return of(request.getHeader(HEADER));
    }

    /** The caller's id when it is 1-128 of {@code [A-Za-z0-9._:-]}, else a fresh UUID. */
    public static String of(String given) {
        return given != null && safe(given) ? given : UUID.randomUUID().toString();
    }

    private static boolean safe(String s) {
        if (s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
