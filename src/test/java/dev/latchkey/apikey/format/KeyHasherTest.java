package dev.latchkey.apikey.format;

import static dev.latchkey.apikey.format.KeyHasher.Other.EARLIER;
import static dev.latchkey.apikey.format.KeyHasher.Other.NEXT;
import static dev.latchkey.apikey.format.KeyHasher.Other.NONE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.latchkey.support.TestConfig;

/**
 * What is stored for a secret, and which stored hashes a secret matches during a pepper rotation: the current pepper's,
 * an earlier pepper's (plain SHA-256 for {@code none}) or the next one's, and no other.
 */
class KeyHasherTest {

    static final String SECRET = "s".repeat(43);

    static byte[] hmac(String pepper, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] sha256(String secret) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    }

    static KeyHasher hasher(String pepper, List<String> previous, String next) {
        return new KeyHasher(TestConfig.withKeys(Map.of("pepper", Optional.ofNullable(pepper), "previousPeppers",
                Optional.ofNullable(previous), "nextPepper", Optional.ofNullable(next))));
    }

    @Test
    void theStoredHashIsTheCurrentPeppersHmacOrPlainSha256() throws Exception {
        assertArrayEquals(hmac("new", SECRET), hasher("new", null, null).hash(SECRET));
        assertArrayEquals(sha256(SECRET), hasher(null, null, null).hash(SECRET));
        assertFalse(hasher("new", null, null).rotating());
    }

    @Test
    void duringARotationEarlierPeppersMatchAndNothingElse() throws Exception {
        KeyHasher h = hasher("new", List.of("old", "none"), null);
        byte[] bytes = SECRET.getBytes(StandardCharsets.US_ASCII);
        assertTrue(h.rotating());
        assertEquals(EARLIER, h.matchesUnderOtherPepper(bytes, 0, bytes.length, hmac("old", SECRET)));
        assertEquals(EARLIER, h.matchesUnderOtherPepper(bytes, 0, bytes.length, sha256(SECRET)), "none: SHA-256");
        assertEquals(NONE, h.matchesUnderOtherPepper(bytes, 0, bytes.length, hmac("other", SECRET)), "unlisted");
        assertEquals(NONE, h.matchesUnderOtherPepper(bytes, 0, bytes.length, hmac("old", "t".repeat(43))),
                "another secret");
        assertEquals(NONE, h.matchesUnderOtherPepper(bytes, 0, bytes.length, null));
        // the management plane's check: the current secret under the earlier pepper, the previous one in its grace
        long now = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();
        assertTrue(h.matchesCurrentOrPrevious(SECRET, hmac("old", SECRET), null, null, now));
        assertTrue(h.matchesCurrentOrPrevious(SECRET, hmac("new", "x".repeat(43)), hmac("old", SECRET),
                Instant.ofEpochMilli(now + 1_000), now), "the previous secret within its grace period");
        assertFalse(h.matchesCurrentOrPrevious(SECRET, hmac("new", "x".repeat(43)), hmac("old", SECRET),
                Instant.ofEpochMilli(now - 1), now), "not after it");
        assertFalse(hasher("new", null, null).matchesCurrentOrPrevious(SECRET, hmac("old", SECRET), null, null, now),
                "without the earlier pepper listed, its hashes match nothing");
    }

    /**
     * The first step of a rolling rotation: the next pepper is accepted, and marked so that nothing is re-hashed to.
     */
    @Test
    void theNextPepperIsAcceptedButNotAsAnEarlierOne() throws Exception {
        KeyHasher h = hasher("old", null, "new");
        byte[] bytes = SECRET.getBytes(StandardCharsets.US_ASCII);
        assertTrue(h.rotating());
        assertArrayEquals(hmac("old", SECRET), h.hash(SECRET), "still hashing under the current pepper");
        assertEquals(NEXT, h.matchesUnderOtherPepper(bytes, 0, bytes.length, hmac("new", SECRET)));
        assertEquals(NONE, h.matchesUnderOtherPepper(bytes, 0, bytes.length, hmac("newer", SECRET)));
    }
}
