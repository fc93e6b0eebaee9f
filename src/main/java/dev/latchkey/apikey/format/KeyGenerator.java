package dev.latchkey.apikey.format;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Draws key ids and secrets from a CSPRNG. The {@link SecureRandom} is created at run time (a bean, not a static field)
 * so that a native image never bakes a seed into its heap.
 */
@ApplicationScoped
public class KeyGenerator {

    private final SecureRandom random;

    public KeyGenerator() {
        this(new SecureRandom());
    }

    KeyGenerator(SecureRandom random) {
        this.random = random;
    }

    /** A fresh 16-character key id (95 random bits). */
    public String newKeyId() {
        return randomBase62(KeyFormat.KEY_ID_LENGTH);
    }

    /** A fresh 43-character secret (256 random bits). */
    public String newSecret() {
        return randomBase62(KeyFormat.SECRET_LENGTH);
    }

    /**
     * {@code length} uniform base62 characters by rejection sampling of 6-bit values (62 and 63 are redrawn): key
     * parts, and other identifiers that must not be guessed (webhook event ids).
     */
    public String randomBase62(int length) {
        char[] out = new char[length];
        byte[] buf = new byte[length + 8];
        int filled = 0;
        while (filled < length) {
            random.nextBytes(buf);
            for (int i = 0; i < buf.length && filled < length; i++) {
                int v = buf[i] & 0x3F;
                if (v < 62) {
                    out[filled++] = Base62.ALPHABET[v];
                }
            }
        }
        return new String(out);
    }
}
