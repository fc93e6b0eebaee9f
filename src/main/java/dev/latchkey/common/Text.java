package dev.latchkey.common;

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
}
