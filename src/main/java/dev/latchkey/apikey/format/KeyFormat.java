package dev.latchkey.apikey.format;

import java.nio.charset.StandardCharsets;

/**
 * The key format of README, "Key format": {@code <prefix><keyId><secret><checksum>} where keyId is 16 base62
 * characters, the secret 43 (256 bits), and the checksum the CRC32 of everything before it written as 6 base62
 * characters. Parsing rejects garbage and typos without touching storage.
 */
public final class KeyFormat {

    public static final int KEY_ID_LENGTH = 16;
    /** 43 base62 characters carry 43 x log2(62) = 256.03 bits. */
    public static final int SECRET_LENGTH = 43;
    public static final int CHECKSUM_LENGTH = 6;
    static final int BODY_LENGTH = KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
    /** Longer input is rejected before any work: the longest prefix plus the body. */
    public static final int MAX_KEY_LENGTH = "private-".length() + BODY_LENGTH;

    private KeyFormat() {
    }

    /**
     * A key split into its parts; only {@link #parse} makes one, so its checksum has been checked. The secret stays in
     * the key's bytes ({@code raw} from {@code secretStart}) so the hot path hashes it without another copy.
     */
    public record ParsedKey(KeyPrefix prefix, String keyId, byte[] raw, int secretStart) {

        /** The secret as text (management-plane callers; the hot path hashes {@link #raw} directly). */
        public String secret() {
            return new String(raw, secretStart, SECRET_LENGTH, StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return "ParsedKey[" + prefix.text() + keyId + "…]"; // never print the secret
        }
    }

    /** Assembles a full key from its parts, appending the checksum. */
    public static String format(KeyPrefix prefix, String keyId, String secret) {
        String head = prefix.text() + keyId + secret;
        return head + checksum(head);
    }

    /**
     * Parses a presented key, or returns null when it is malformed or its checksum is wrong. One copy of the key's
     * bytes, no regex, the checksum compared as a number.
     */
    public static ParsedKey parse(String key) {
        if (key == null || key.length() > MAX_KEY_LENGTH) {
            return null;
        }
        KeyPrefix prefix = KeyPrefix.of(key);
        if (prefix == null || key.length() != prefix.text().length() + BODY_LENGTH) {
            return null;
        }
        int start = prefix.text().length();
        for (int i = start; i < key.length(); i++) {
            if (!Base62.isBase62(key.charAt(i))) {
                return null;
            }
        }
        byte[] raw = key.getBytes(StandardCharsets.US_ASCII);
        int checksumStart = raw.length - CHECKSUM_LENGTH;
        if (Crc32.of(raw, 0, checksumStart) != Base62.decode(raw, checksumStart, CHECKSUM_LENGTH)) {
            return null;
        }
        return new ParsedKey(prefix, key.substring(start, start + KEY_ID_LENGTH), raw, start + KEY_ID_LENGTH);
    }

    /** The masked form shown after creation: prefix, keyId, an ellipsis and the last 4 characters. */
    public static String mask(KeyPrefix prefix, String keyId, String lastFour) {
        return prefix.text() + keyId + "…" + lastFour;
    }

    /** CRC32 of {@code head} as 6 base62 characters. */
    static String checksum(String head) {
        byte[] b = head.getBytes(StandardCharsets.US_ASCII);
        return Base62.encode(Crc32.of(b, 0, b.length), CHECKSUM_LENGTH);
    }
}
