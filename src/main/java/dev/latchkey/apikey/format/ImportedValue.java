package dev.latchkey.apikey.format;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Values of keys imported from other systems (README, "Importing keys"). Such a key is stored as the usual secret hash
 * ({@link KeyHasher}) of SHA-256 over the value with its import prefix left out: a key imported by value and one
 * imported by its SHA-256 alone are then stored, found and compared the same way, and the pepper protects both.
 */
public final class ImportedValue {

    /** Shortest value accepted: shorter ones are too easy to guess to be worth keeping. */
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 256;
    public static final int MAX_PREFIX_LENGTH = 32;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private ImportedValue() {
    }

    /**
     * Whether {@code value} could be an imported key: 16–256 printable ASCII characters without spaces. (A value in
     * Latchkey's own format never gets here: it is parsed as one.)
     */
    public static boolean plausible(String value) {
        return value != null && value.length() >= MIN_LENGTH && value.length() <= MAX_LENGTH && printable(value);
    }

    /**
     * Whether {@code value} starts with one of Latchkey's own prefixes ({@code lkp_}, {@code lks_}, {@code lka_}): such
     * a value is never imported, so one that failed to parse is refused before any lookup, in memory or not. (The
     * Elastic words are shared with App Search's own values, which are imported.)
     */
    public static boolean latchkeyPrefixed(String value) {
        for (KeyPrefix p : KeyPrefix.values()) {
            if (!p.elastic() && value.startsWith(p.text())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code prefix} may be an import prefix: up to 32 printable ASCII characters without spaces. */
    public static boolean validPrefix(String prefix) {
        return prefix != null && prefix.length() <= MAX_PREFIX_LENGTH && printable(prefix);
    }

    /** Printable ASCII without spaces. */
    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of the value's characters from {@code from} on (what the stored hash is taken over). */
    public static byte[] sha256(String value, int from) {
        MessageDigest sha = SHA256.get();
        for (int i = from; i < value.length(); i++) {
            sha.update((byte) value.charAt(i)); // plausible values are ASCII
        }
        return sha.digest();
    }

    /**
     * A SHA-256 digest as another system stored it: 64 hexadecimal digits, or base64 (standard or URL-safe, with or
     * without padding). Null for anything else — which includes every salted or slow hash (bcrypt, scrypt, Argon2,
     * PBKDF2) and the shorter digests (MD5, SHA-1): none of them can be looked up from a presented key.
     */
    public static byte[] parseSha256(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.length() == 64) {
                return HexFormat.of().parseHex(t);
            }
            if (t.length() == 43 || t.length() == 44) {
                byte[] b = (t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                        .decode(t);
                return b.length == 32 ? b : null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** The masked form of an imported key: its prefix (or Elastic word), an ellipsis, and its last four characters. */
    public static String mask(String shownPrefix, String lastFour) {
        return shownPrefix + "…" + (lastFour == null ? "" : lastFour);
    }
}
