package dev.latchkey.apikey.format;

/** Base62 with the alphabet of README, "Key format", in this order: {@code 0-9}, {@code A-Z}, {@code a-z}. */
public final class Base62 {

    static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Base62() {
    }

    /** Whether {@code c} is one of the 62 characters. */
    public static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** The value of {@code length} base62 characters (already checked to be base62) starting at {@code offset}. */
    public static long decode(byte[] text, int offset, int length) {
        long v = 0;
        for (int i = offset; i < offset + length; i++) {
            int c = text[i];
            int digit = c <= '9' ? c - '0' : c <= 'Z' ? c - 'A' + 10 : c - 'a' + 36;
            v = v * 62 + digit;
        }
        return v;
    }

    /** {@code value} (non-negative) in base62, left-padded with {@code 0} to {@code width} characters. */
    public static String encode(long value, int width) {
        char[] out = new char[width];
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (v % 62)];
            v /= 62;
        }
        if (v != 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 characters");
        }
        return new String(out);
    }
}
