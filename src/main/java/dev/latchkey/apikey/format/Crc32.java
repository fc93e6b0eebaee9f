package dev.latchkey.apikey.format;

import java.util.zip.CRC32;

import io.quarkus.runtime.ImageMode;

/**
 * The CRC-32 of a key's checksum (IEEE 802.3, the value {@link CRC32} gives). On the JVM that is {@link CRC32}, an
 * intrinsic there. In the native executable it is computed here: there {@link CRC32} calls zlib through JNI, which pins
 * the byte array for the call, and a collection that finds an array pinned cannot move the 1 MB heap chunk holding it
 * and promotes the whole chunk, garbage included; every young collection also walks the pins made since the last one
 * (1.5-2.8 ms under load, README "Native executable"). A table lookup per byte over the 60-odd bytes of a key needs
 * neither the pin nor the JNI transition.
 */
final class Crc32 {

    private static final int[] TABLE = new int[256];
    /**
     * Read once, when the class is initialised. The build lists this class for run-time initialisation
     * (application.properties): GraalVM would otherwise run this initialiser at build time and see the build.
     */
    private static final boolean NATIVE = ImageMode.current() == ImageMode.NATIVE_RUN;

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32() {
    }

    /** The CRC-32 of {@code b[off, off + len)}, as {@link CRC32#getValue()} gives it. */
    static long of(byte[] b, int off, int len) {
        if (NATIVE) {
            return byTable(b, off, len);
        }
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return crc.getValue();
    }

    /** The same, a byte at a time from a table (no JNI). */
    static long byTable(byte[] b, int off, int len) {
        int c = 0xFFFFFFFF;
        for (int i = off, end = off + len; i < end; i++) {
            c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
        }
        return ~c & 0xFFFFFFFFL;
    }
}
