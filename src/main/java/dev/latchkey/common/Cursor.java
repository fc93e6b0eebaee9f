package dev.latchkey.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import dev.latchkey.error.ApiException;

/**
 * Opaque keyset cursors. A cursor encodes the sort key of the last item of a page; the next page starts strictly after
 * it, so items added meanwhile never make a page repeat or skip an item.
 */
public final class Cursor {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    private static final String VERSION = "v1:";

    private Cursor() {
    }

    /** Encodes a sort key as a cursor. */
    public static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + sortKey).getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor to its sort key; null when absent; 400 {@code invalid_cursor} when it was not ours. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!raw.startsWith(VERSION) || raw.length() == VERSION.length()) {
                throw invalid();
            }
            return raw.substring(VERSION.length());
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    /** Decodes a cursor over numeric ids. */
    public static Long decodeId(String cursor) {
        String key = decode(cursor);
        if (key == null) {
            return null;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    /** The effective limit: default when absent, 400 when not a number in 1..200. */
    public static int limit(String requested) {
        if (requested == null || requested.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(requested);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiException.invalid("limit", "limit must be an integer between 1 and " + MAX_LIMIT);
        }
        return n;
    }

    /**
     * Builds a page from a query that fetched up to {@code limit + 1} rows: the extra row only tells that there is a
     * next page.
     */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, String> sortKey) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), encode(sortKey.apply(items.get(limit - 1))));
    }

    private static ApiException invalid() {
        return ApiException.badRequest("invalid_cursor", "The cursor is not valid; start again without one");
    }
}
