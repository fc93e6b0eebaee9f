package dev.latchkey.vocabulary;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text that may be stored: PostgreSQL refuses the NUL character in text and JSON columns (the insert fails), and an
 * unpaired UTF-16 surrogate has no UTF-8 form (the driver would silently store '?'). Both are refused at the edge, in
 * JSON bodies ({@code common/json}) and in paths, query values and headers ({@code common/http}).
 */
public final class Text {

    private Text() {
    }

    /** Whether {@code s} holds a NUL character or an unpaired surrogate. */
    public static boolean unstorable(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return true;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Percent-decodes {@code s} as UTF-8 (characters outside ASCII count as their UTF-8 bytes). Null when the bytes are
     * not UTF-8, when an escape decodes to one of {@code forbiddenEscaped}, or — {@code strict} — when an escape is
     * malformed; otherwise a malformed escape is kept as it is.
     */
    public static String percentDecode(String s, boolean strict, String forbiddenEscaped) {
        byte[] bytes = new byte[s.length() * 3];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && lo >= 0) {
                int b = hi << 4 | lo;
                if (forbiddenEscaped.indexOf(b) >= 0) {
                    return null;
                }
                bytes[n++] = (byte) b;
                i += 2;
            } else if (c == '%' && strict) {
                return null;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else if (Character.isSurrogate(c)) {
                return null;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, bytes, n, utf8.length);
                n += utf8.length;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
