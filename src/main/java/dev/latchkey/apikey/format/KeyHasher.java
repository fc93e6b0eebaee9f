package dev.latchkey.apikey.format;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The one-way hash stored for a secret: HMAC-SHA-256 with the configured pepper, or SHA-256 when no pepper is
 * configured. Comparison is constant-time. Each thread keeps its own digest (the verify hot path hashes on every
 * request; looking up a provider each time costs more than the hash).
 */
@Singleton
public class KeyHasher {

    private final ThreadLocal<MessageDigest> sha256;
    private final ThreadLocal<Mac> hmac;

    public KeyHasher(LatchkeyConfig config) {
        SecretKeySpec pepper = config.keys().pepper().filter(p -> !p.isBlank())
                .map(p -> new SecretKeySpec(p.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).orElse(null);
        this.sha256 = pepper != null ? null : ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        });
        this.hmac = pepper == null ? null : ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(pepper);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** The stored hash of a secret. */
    public byte[] hash(String secret) {
        byte[] input = secret.getBytes(StandardCharsets.US_ASCII);
        return hash(input, 0, input.length);
    }

    /** The stored hash of the secret in {@code bytes[offset, offset + length)}. */
    public byte[] hash(byte[] bytes, int offset, int length) {
        if (hmac != null) {
            Mac mac = hmac.get();
            mac.update(bytes, offset, length);
            return mac.doFinal();
        }
        MessageDigest sha = sha256.get();
        sha.update(bytes, offset, length);
        return sha.digest();
    }

    /**
     * Whether {@code secret} is the key's current secret, or its previous one while a rotation's grace period lasts
     * ({@code previousUntil} after {@code nowMillis}). Hashed once.
     */
    public boolean matchesCurrentOrPrevious(String secret, byte[] current, byte[] previous,
            java.time.Instant previousUntil, long nowMillis) {
        byte[] digest = hash(secret);
        return (current != null && MessageDigest.isEqual(digest, current))
                || previousMatches(digest, previous, previousUntil, nowMillis);
    }

    /**
     * The grace rule of a rotation, on a secret already hashed: {@code digest} is the previous secret's and the grace
     * period ({@code previousUntil}) has not ended at {@code nowMillis}. Constant-time compare.
     */
    public static boolean previousMatches(byte[] digest, byte[] previous, java.time.Instant previousUntil,
            long nowMillis) {
        return previous != null && previousUntil != null && previousUntil.toEpochMilli() > nowMillis
                && MessageDigest.isEqual(digest, previous);
    }
}
