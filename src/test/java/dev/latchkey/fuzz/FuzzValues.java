package dev.latchkey.fuzz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/** Generators of path segments, query values and header values, hostile ones included (all already URI-safe). */
final class FuzzValues {

    /** Percent-encoded: NUL, invalid UTF-8, encoded surrogates, traversal, separators, very long, odd Unicode. */
    static final List<String> HOSTILE_SEGMENTS = List.of("%00", "a%00b", "%C3%28", "%ED%A0%80", "%FF%FE", "..",
            "%2e%2e", "%2F", "%5C", "%20", "%0A", "%0D%0A", "'%20or%201%3D1--", "%F0%9F%9A%80", "%E2%80%AE",
            "x".repeat(300), "9".repeat(40), "-1", "0", "%25", "null", "true", "%7B%7D", "%5B%5D", "caf%C3%A9");
    static final List<String> QUERY_VALUES = List.of("", "1", "0", "-1", "200", "201", "99999999999999999999", "abc",
            "active", "expired", "revoked", "disabled", "personal", "service", "admin", "nginx", "documents:read",
            "2026-01-31T12:00:00Z", "%2B10000-01-01T00:00:00Z", "-99999-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
            "2026-02-30T00:00:00Z", "djE6MTA", "djE6YWJj", "%00", "%ED%A0%80", "%C3%28", "x".repeat(2000), "1e309",
            "NaN", "%22%3E%3Cscript%3E");

    private FuzzValues() {
    }

    static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    static String hostileSegment(SplittableRandom r) {
        return r.nextInt(4) == 0 ? randomEncoded(r, 1 + r.nextInt(12)) : pick(r, HOSTILE_SEGMENTS);
    }

    static String queryValue(SplittableRandom r) {
        return r.nextInt(5) == 0 ? randomEncoded(r, r.nextInt(20)) : pick(r, QUERY_VALUES);
    }

    static String encodeName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Random bytes, each percent-encoded: any byte sequence, valid UTF-8 or not. */
    static String randomEncoded(SplittableRandom r, int bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            s.append('%').append(String.format("%02X", r.nextInt(256)));
        }
        return s.toString();
    }

    /** What java.net.http lets through in a header: visible ASCII and spaces, sometimes long. */
    static String headerValue(SplittableRandom r) {
        int n = r.nextInt(6) == 0 ? 5000 : r.nextInt(40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (0x20 + r.nextInt(0x5f)));
        }
        return s.toString().trim();
    }
}
