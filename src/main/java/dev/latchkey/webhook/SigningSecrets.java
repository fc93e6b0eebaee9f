package dev.latchkey.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import dev.latchkey.config.LatchkeyConfig;

/**
 * Webhook signing secrets (README, "Webhooks"): made here ({@code whsec_} + 32 random bytes, base64, the Standard
 * Webhooks form), shown once, and stored encrypted, because signing needs them back. The encryption is AES-256-GCM
 * under a key derived from the pepper (HMAC-SHA-256(pepper, a fixed label)); each stored secret starts with 4 bytes
 * naming the key it was sealed with, so secrets sealed before a pepper rotation open as long as that pepper is still
 * listed, and {@link #sealedUnderCurrent} tells which to seal again. Without a pepper the derived key is public
 * knowledge: the secrets are then only as safe as the database (README says to set a pepper in production).
 */
@Singleton
public class SigningSecrets {

    static final String PREFIX = "whsec_";
    private static final byte[] LABEL = "latchkey webhook secrets v1".getBytes(StandardCharsets.US_ASCII);
    private static final int TAG = 4;
    private static final int IV = 12;

    /** A key to seal secrets with, and the 4 bytes that name it. */
    private record SealKey(SecretKeySpec key, byte[] tag) {
    }

    private final SecureRandom random = new SecureRandom();
    private final SealKey current;
    private final List<SealKey> accepted = new ArrayList<>();

    public SigningSecrets(LatchkeyConfig config) {
        LatchkeyConfig.Keys keys = config.keys();
        current = derive(keys.pepper());
        accepted.add(current);
        keys.previousPeppers().orElse(List.of())
                .forEach(p -> accepted.add(derive(Optional.of(p).filter(v -> !"none".equals(v)))));
        keys.nextPepper().ifPresent(p -> accepted.add(derive(Optional.of(p))));
    }

    private static SealKey derive(Optional<String> pepper) {
        try {
            byte[] key;
            String p = pepper.filter(v -> !v.isBlank()).orElse(null);
            if (p == null) {
                key = MessageDigest.getInstance("SHA-256").digest(LABEL);
            } else {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(p.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                key = mac.doFinal(LABEL);
            }
            byte[] tag = new byte[TAG];
            System.arraycopy(MessageDigest.getInstance("SHA-256").digest(key), 0, tag, 0, TAG);
            return new SealKey(new SecretKeySpec(key, "AES"), tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new signing secret, {@code whsec_<base64 of 32 random bytes>}. */
    public String generate() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return PREFIX + Base64.getEncoder().encodeToString(raw);
    }

    /** The secret sealed for storage under the current pepper's key. */
    public byte[] seal(String secret) {
        try {
            byte[] iv = new byte[IV];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(128, iv));
            c.updateAAD(current.tag());
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.allocate(TAG + IV + sealed.length).put(current.tag()).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The secret back from storage; empty when no accepted pepper's key sealed it (or it was altered). */
    public Optional<String> open(byte[] stored) {
        if (stored == null || stored.length <= TAG + IV) {
            return Optional.empty();
        }
        for (SealKey k : accepted) {
            if (MessageDigest.isEqual(k.tag(), java.util.Arrays.copyOf(stored, TAG))) {
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, k.key(), new GCMParameterSpec(128, stored, TAG, IV));
                    c.updateAAD(k.tag());
                    return Optional.of(new String(c.doFinal(stored, TAG + IV, stored.length - TAG - IV),
                            StandardCharsets.US_ASCII));
                } catch (GeneralSecurityException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a stored secret is sealed under the current pepper's key (else: seal it again). */
    public boolean sealedUnderCurrent(byte[] stored) {
        return stored != null && stored.length > TAG
                && MessageDigest.isEqual(current.tag(), java.util.Arrays.copyOf(stored, TAG));
    }

    /**
     * The Standard Webhooks signature of one message: {@code v1,} + base64 HMAC-SHA-256 under the secret's bytes
     * (base64 after {@code whsec_}) of {@code id.timestamp.body}.
     */
    public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
        try {
            byte[] key = Base64.getDecoder()
                    .decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
