package dev.latchkey.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The one-way hash stored for a secret: HMAC-SHA-256 with the configured pepper, or SHA-256 when no pepper is
 * configured. Comparison is constant-time.
 */
@ApplicationScoped
public class KeyHasher {

    private final SecretKeySpec pepper;

    public KeyHasher(LatchkeyConfig config) {
        this.pepper = config.keys().pepper().filter(p -> !p.isBlank())
                .map(p -> new SecretKeySpec(p.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).orElse(null);
    }

    /** The stored hash of a secret. */
    public byte[] hash(String secret) {
        byte[] input = secret.getBytes(StandardCharsets.US_ASCII);
        try {
            if (pepper == null) {
                return MessageDigest.getInstance("SHA-256").digest(input);
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Whether {@code secret} hashes to {@code stored}, in time independent of where they differ. */
    public boolean matches(String secret, byte[] stored) {
        return stored != null && MessageDigest.isEqual(hash(secret), stored);
    }
}
