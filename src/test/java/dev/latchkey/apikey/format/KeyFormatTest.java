package dev.latchkey.apikey.format;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/** README, "Key format": the key format, its checksum, and the uniqueness of generated key ids. */
class KeyFormatTest {

    private final KeyGenerator generator = new KeyGenerator(new SecureRandom());

    @Test
    void roundTripForEveryPrefix() {
        for (KeyPrefix prefix : KeyPrefix.values()) {
            String keyId = generator.newKeyId();
            String secret = generator.newSecret();
            String key = KeyFormat.format(prefix, keyId, secret);
            assertEquals(prefix.text().length() + 16 + 43 + 6, key.length());
            KeyFormat.ParsedKey parsed = KeyFormat.parse(key);
            assertNotNull(parsed, key);
            assertEquals(prefix, parsed.prefix());
            assertEquals(keyId, parsed.keyId());
            assertEquals(secret, parsed.secret());
            assertFalse(parsed.toString().contains(secret), "toString must not print the secret");
        }
    }

    @Test
    void storedFormsAreTheWordsWithoutSeparatorAndLeadBack() {
        assertEquals(List.of("lkp", "lks", "lka", "private", "search", "admin"),
                Arrays.stream(KeyPrefix.values()).map(KeyPrefix::stored).toList());
        for (KeyPrefix p : KeyPrefix.values()) {
            assertSame(p, KeyPrefix.fromStored(p.stored()));
        }
        assertThrows(IllegalArgumentException.class, () -> KeyPrefix.fromStored("lks_"));
        assertSame(KeyPrefix.ELASTIC_SEARCH, KeyPrefix.elasticOf("search-abc"));
        assertNull(KeyPrefix.elasticOf("lks_abc"));
    }

    @Test
    void checksumIsCrc32OfEverythingBeforeItInBase62() {
        String head = "lks_" + "0".repeat(16) + "A".repeat(43);
        CRC32 crc = new CRC32();
        crc.update(head.getBytes());
        long v = crc.getValue();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            expected.insert(0, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".charAt((int) (v % 62)));
            v /= 62;
        }
        assertEquals(head + expected, KeyFormat.format(KeyPrefix.SERVICE, "0".repeat(16), "A".repeat(43)));
        assertEquals("000000", Base62.encode(0, 6));
        assertEquals("00000z", Base62.encode(61, 6));
        assertEquals("000010", Base62.encode(62, 6));
    }

    @Test
    void everySingleCharacterChangeFailsTheChecksum() {
        String key = KeyFormat.format(KeyPrefix.SERVICE, generator.newKeyId(), generator.newSecret());
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
        int variants = 0;
        for (int i = 0; i < key.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == key.charAt(i)) {
                    continue;
                }
                String changed = key.substring(0, i) + c + key.substring(i + 1);
                assertNull(KeyFormat.parse(changed), "accepted a change at " + i + " to " + c);
                variants++;
            }
        }
        assertTrue(variants > 4000, "checked " + variants + " variants");
        // deletions and insertions too
        for (int i = 0; i < key.length(); i++) {
            assertNull(KeyFormat.parse(key.substring(0, i) + key.substring(i + 1)));
            assertNull(KeyFormat.parse(key.substring(0, i) + "x" + key.substring(i)));
        }
    }

    @Test
    void garbageIsRejectedWithoutExceptions() {
        for (String s : new String[] { null, "", "lks_", "lks_short", "nope_" + "a".repeat(65), "LKS_" + "a".repeat(65),
                "lks_" + "a".repeat(64) + "!", "lks_" + "é".repeat(65), "x".repeat(10_000) }) {
            assertNull(KeyFormat.parse(s), String.valueOf(s));
        }
    }

    @Test
    void maskShowsPrefixKeyIdAndLastFour() {
        assertEquals("lkp_ABCDEFGHIJKLMNOP…wxyz", KeyFormat.mask(KeyPrefix.PERSONAL, "ABCDEFGHIJKLMNOP", "wxyz"));
        assertEquals("admin-ABCDEFGHIJKLMNOP…0000",
                KeyFormat.mask(KeyPrefix.ELASTIC_ADMIN, "ABCDEFGHIJKLMNOP", "0000"));
    }

    @Test
    void generatedPartsUseOnlyBase62AndHaveTheRightLength() {
        for (int i = 0; i < 1000; i++) {
            String id = generator.newKeyId();
            String secret = generator.newSecret();
            assertEquals(16, id.length());
            assertEquals(43, secret.length());
            for (char c : (id + secret).toCharArray()) {
                assertTrue(Base62.isBase62(c));
            }
        }
    }

    /** A property test, not a timed one: two million key ids, no duplicate. */
    @Test
    void twoMillionKeyIdsHaveNoDuplicate() {
        Set<String> seen = new HashSet<>(2_800_000);
        for (int i = 0; i < 2_000_000; i++) {
            assertTrue(seen.add(generator.newKeyId()), "duplicate key id after " + i);
        }
        assertEquals(2_000_000, seen.size());
    }

    @Test
    void charactersAreUniformlyDistributed() {
        int[] counts = new int[62];
        int n = 0;
        for (int i = 0; i < 20_000; i++) {
            for (char c : generator.newSecret().toCharArray()) {
                counts[new String(Base62.ALPHABET).indexOf(c)]++;
                n++;
            }
        }
        double expected = n / 62.0;
        for (int c : counts) {
            assertTrue(Math.abs(c - expected) < expected * 0.05, "skewed: " + c + " vs " + expected);
        }
    }
}
