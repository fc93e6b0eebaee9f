package dev.latchkey.vocabulary.route;

import java.util.ArrayList;
import java.util.List;

import dev.latchkey.vocabulary.Text;

/**
 * The original request path as a list of decoded segments, or null when it is ambiguous — read differently by different
 * servers — and so can never match a route rule (fail closed). The rules, in order:
 * <ol>
 * <li>the query and fragment are cut off; the path must start with {@code /};
 * <li>percent escapes are decoded once, as UTF-8 (malformed escapes or bytes: ambiguous); a decoded {@code /},
 * {@code \}, {@code %} (double encoding) or NUL is ambiguous;
 * <li>a backslash, a {@code ;} (path parameters), whitespace or a control character anywhere is ambiguous;
 * <li>empty segments ({@code //}) are dropped; {@code .} segments are dropped and {@code ..} removes the segment before
 * it (RFC 3986 §5.2.4); {@code ..} above the root is ambiguous;
 * <li>a segment that ends with a dot ({@code admin.}, a trailing dot some servers strip) is ambiguous;
 * <li>matching is case-sensitive, so a different case never matches a rule.
 * </ol>
 */
public final class RoutePath {

    private RoutePath() {
    }

    /** The decoded segments of {@code raw}, or null when the path is ambiguous. */
    public static List<String> segments(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        int end = raw.length();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String path = decode(raw.substring(0, end));
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (out.isEmpty()) {
                    return null;
                }
                out.remove(out.size() - 1);
                continue;
            }
            if (segment.endsWith(".")) {
                return null;
            }
            out.add(segment);
        }
        return out;
    }

    /** Decodes percent escapes as UTF-8; null when anything is ambiguous (see the class comment). */
    private static String decode(String s) {
        String decoded = Text.percentDecode(s, true, "/\\%\0");
        if (decoded == null) {
            return null;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c == '\\' || c == ';' || c < 0x20 || c == 0x7f || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)) {
                return null;
            }
        }
        return decoded;
    }
}
