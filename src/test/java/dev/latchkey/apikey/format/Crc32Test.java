package dev.latchkey.apikey.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/** The table CRC-32 of the native executable is the standard one: keys issued on the JVM parse natively and back. */
class Crc32Test {

    @Test
    void standardCheckValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xCBF43926L, Crc32.byTable(b, 0, b.length));
        assertEquals(0xCBF43926L, Crc32.of(b, 0, b.length));
        assertEquals(0L, Crc32.byTable(b, 3, 0));
    }

    @Test
    void sameAsTheJdksOnEveryLengthAndOffset() {
        Random random = new Random(42); // a fixed seed: the same inputs on every run
        for (int len = 0; len <= 200; len++) {
            byte[] b = new byte[len + 7];
            random.nextBytes(b);
            for (int off = 0; off < 7; off++) {
                CRC32 jdk = new CRC32();
                jdk.update(b, off, len);
                assertEquals(jdk.getValue(), Crc32.byTable(b, off, len), "length " + len + ", offset " + off);
            }
        }
    }
}
