package dev.latchkey.apikey.format;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The one-way hash stored for a secret: HMAC-SHA-256 with the configured pepper, or SHA-256 when no pepper is
 * configured; during a pepper rotation, earlier peppers are also accepted (README "Rotating secrets"). Comparison is
 * constant-time. Each thread keeps its own digest (the verify hot path hashes on every request; looking up a provider
 * each time costs more than the hash).
 */
@Singleton
public class KeyHasher {

    /** One way of hashing: HMAC-SHA-256 with a pepper, or SHA-256 without. */
    private static final class Scheme {
        private final ThreadLocal<MessageDigest> sha256;
        private final ThreadLocal<Mac> hmac;

        Scheme(String pepper) {
            SecretKeySpec key = pepper == null ? null
                    : new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            this.sha256 = key != null ? null : ThreadLocal.withInitial(() -> {
                try {
                    return MessageDigest.getInstance("SHA-256");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("SHA-256 is not available", e);
                }
            });
            this.hmac = key == null ? null : ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(key);
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available", e);
                }
            });
        }

        byte[] hash(byte[] bytes, int offset, int length) {
            if (hmac != null) {
                Mac mac = hmac.get();
                mac.update(bytes, offset, length);
                return mac.doFinal();
            }
            MessageDigest sha = sha256.get();
            sha.update(bytes, offset, length);
            return sha.digest();
        }
    }

    /** Which pepper a stored hash matched when the current one did not. */
    public enum Other {
        /** None: the secret is wrong. */
        NONE,
        /** An earlier pepper: valid, and to be hashed again under the current one. */
        EARLIER,
        /** The next pepper of a rotation under way: valid as it is. */
        NEXT
    }

    private final Scheme current;
    /** Earlier peppers still accepted (a rotation's overlap); empty almost always. */
    private final List<Scheme> previous;
    /** The pepper a rotation moves to next, accepted but not hashed to (its first step); null almost always. */
    private final Scheme next;

    public KeyHasher(LatchkeyConfig config) {
        this.current = new Scheme(config.keys().pepper().filter(p -> !p.isBlank()).orElse(null));
        List<Scheme> earlier = new ArrayList<>();
        for (String p : config.keys().previousPeppers().orElse(List.of())) {
            if (!p.isBlank()) {
                earlier.add(new Scheme(p.trim().equals("none") ? null : p));
            }
        }
        this.previous = List.copyOf(earlier);
        this.next = config.keys().nextPepper().filter(p -> !p.isBlank()).map(Scheme::new).orElse(null);
    }

    /** The stored hash of a secret. */
    public byte[] hash(String secret) {
        byte[] input = secret.getBytes(StandardCharsets.US_ASCII);
        return hash(input, 0, input.length);
    }

    /** The stored hash of the secret in {@code bytes[offset, offset + length)}. */
    public byte[] hash(byte[] bytes, int offset, int length) {
        return current.hash(bytes, offset, length);
    }

    /**
     * The hashes of {@code bytes[offset, offset + length)} under every accepted pepper: the current one first, then a
     * rotation's earlier ones ({@link #earlierPepperCount()} of them), then its next one. How an imported value is
     * looked up, also when it was stored before a pepper change. Just the current hash unless a rotation is under way.
     */
    public List<byte[]> hashesUnderEveryPepper(byte[] bytes, int offset, int length) {
        byte[] current = hash(bytes, offset, length);
        if (!rotating()) {
            return List.of(current);
        }
        List<byte[]> out = new ArrayList<>(previous.size() + 2);
        out.add(current);
        for (Scheme s : previous) {
            out.add(s.hash(bytes, offset, length));
        }
        if (next != null) {
            out.add(next.hash(bytes, offset, length));
        }
        return out;
    }

    /** How many of {@link #hashesUnderEveryPepper}'s hashes, after the first, are under earlier peppers. */
    public int earlierPepperCount() {
        return previous.size();
    }

    /** Whether other peppers are accepted (a rotation is under way). */
    public boolean rotating() {
        return !previous.isEmpty() || next != null;
    }

    /**
     * Which other accepted pepper, if any, the secret in {@code bytes[offset, offset + length)} hashes to
     * {@code stored} under (each compared in constant time). Only asked when the current pepper did not match.
     */
    public Other matchesUnderOtherPepper(byte[] bytes, int offset, int length, byte[] stored) {
        if (stored == null) {
            return Other.NONE;
        }
        boolean earlier = false;
        for (Scheme s : previous) {
            earlier |= MessageDigest.isEqual(s.hash(bytes, offset, length), stored);
        }
        boolean nextMatch = next != null && MessageDigest.isEqual(next.hash(bytes, offset, length), stored);
        return earlier ? Other.EARLIER : nextMatch ? Other.NEXT : Other.NONE;
    }

    /**
     * Whether {@code secret} is the key's current secret, or its previous one while a rotation's grace period lasts
     * ({@code previousUntil} after {@code nowMillis}). Hashed once.
     */
    public boolean matchesCurrentOrPrevious(String secret, byte[] current, byte[] previous,
            java.time.Instant previousUntil, long nowMillis) {
        byte[] digest = hash(secret);
        if ((current != null && MessageDigest.isEqual(digest, current))
                || previousMatches(digest, previous, previousUntil, nowMillis)) {
            return true;
        }
        if (!rotating()) {
            return false;
        }
        byte[] bytes = secret.getBytes(StandardCharsets.US_ASCII);
        return matchesUnderOtherPepper(bytes, 0, bytes.length, current) != Other.NONE
                || previousUntil != null && previousUntil.toEpochMilli() > nowMillis
                        && matchesUnderOtherPepper(bytes, 0, bytes.length, previous) != Other.NONE;
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
