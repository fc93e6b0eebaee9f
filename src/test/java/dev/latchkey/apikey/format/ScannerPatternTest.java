package dev.latchkey.apikey.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/**
 * The secret-scanner rule the README publishes (README, "Patterns for secret scanners"), read from the README itself
 * and run with the checksum rule as written there — the JDK's CRC-32 and a base62 of its own, not Latchkey's code —
 * over generated keys of every prefix and near-misses.
 */
class ScannerPatternTest {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** The gitleaks rule's regex, as published. */
    static Pattern published() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int block = readme.indexOf("<!-- gitleaks -->");
        assertTrue(block > 0, "the README publishes a gitleaks rule");
        Matcher m = Pattern.compile("regex = '''(.*)'''").matcher(readme.substring(block));
        assertTrue(m.find(), "the rule has a regex");
        return Pattern.compile(m.group(1));
    }

    /** The README's checksum rule: CRC-32 of all but the last six characters, base62, six digits, padded with 0. */
    static boolean checksumHolds(String key) {
        String head = key.substring(0, key.length() - 6);
        CRC32 crc = new CRC32();
        crc.update(head.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        char[] digits = new char[6];
        for (int i = 5; i >= 0; i--) {
            digits[i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(digits).equals(key.substring(key.length() - 6));
    }

    private static String random(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(r.nextInt(62)));
        }
        return b.toString();
    }

    /** The key the rule finds in {@code text}, or null. */
    private static String found(Pattern rule, String text) {
        Matcher m = rule.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void thePublishedRuleFindsEveryKeyWholeAndTheChecksumTellsRealFromNear() throws Exception {
        Pattern rule = published();
        Random r = new Random(42);
        int keys = 0;
        for (KeyPrefix prefix : KeyPrefix.values()) {
            for (int i = 0; i < 500; i++) {
                String key = KeyFormat.format(prefix, random(r, KeyFormat.KEY_ID_LENGTH),
                        random(r, KeyFormat.SECRET_LENGTH));
                keys++;
                assertEquals(key, found(rule, key), "alone");
                assertEquals(key, found(rule, "export LATCHKEY_KEY=" + key + "\n"), "in a line");
                assertEquals(key, found(rule, "{\"key\":\"" + key + "\"}"), "in JSON");
                assertTrue(checksumHolds(key), "a real key passes the checksum");

                assertEquals(null, found(rule, key.substring(0, key.length() - 1)), "one character short");
                assertEquals(null, found(rule, key + ALPHABET.charAt(r.nextInt(62))), "one character long");
                assertEquals(null, found(rule, "x" + key), "inside a longer token");
                assertEquals(null, found(rule, "lkx_" + key.substring(prefix.text().length())), "another prefix");
                int at = prefix.text().length() + r.nextInt(59); // keyId or secret
                char other = ALPHABET.charAt((ALPHABET.indexOf(key.charAt(at)) + 1 + r.nextInt(61)) % 62);
                String changed = key.substring(0, at) + other + key.substring(at + 1);
                assertEquals(changed, found(rule, changed), "a changed character still has the shape");
                assertFalse(checksumHolds(changed), "but not the checksum");
                assertEquals(null, KeyFormat.parse(changed), "and Latchkey refuses it too");
            }
        }
        assertEquals(3000, keys);
        // App Search's own values (24 characters after the word) are not Latchkey keys
        assertEquals(null, found(rule, "search-soaewu2ye6uc45dr8mcd54v8"));
    }
}
