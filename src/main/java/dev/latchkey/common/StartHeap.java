package dev.latchkey.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.graalvm.nativeimage.RuntimeOptions;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ImageMode;

/**
 * Gives the start's garbage back to the operating system once, when the key cache is warm and before the replica says
 * it is ready (README, "Native executable", "Heap"). Only in the native executable, whose serial collector runs no
 * collection during the start (its first eden is 48 MB with {@code -Xmx256m}; the start allocates about 9 MB) and,
 * after a collection, keeps the freed chunks for the next allocations: the pages the start wrote stay resident until
 * load comes. Here one complete collection runs with GraalVM's {@code MaxHeapFree} set to one byte for its duration, so
 * the collector unmaps every chunk it frees; the operator's value (by default 0: the collector's own choice) is back in
 * place before this returns, so the collections under load keep their chunks as before. On the JVM this does nothing:
 * its collector sizes and returns its heap itself, and the JVM is for development.
 *
 * <p>
 * The collection stops every thread for 4–7 ms with no keys and 47–64 ms with 100,000 (it copies what the cache holds);
 * no gateway waits for an answer then, because readiness comes after it. Under load the young generation fills and is
 * kept again: the figure after load is in the README beside the figure after ready.
 */
public final class StartHeap {

    private static final Logger LOG = Logger.getLogger(StartHeap.class);

    /** GraalVM's serial collector: most bytes of freed chunks kept for later allocations (0: its own choice). */
    private static final String MAX_HEAP_FREE = "MaxHeapFree";

    private static final Path STATUS = Path.of("/proc/self/status");

    private StartHeap() {
    }

    /** Releases the start's garbage when {@code enabled} and in the native executable; says so in the log. */
    public static void release(boolean enabled) {
        if (!enabled || ImageMode.current() != ImageMode.NATIVE_RUN) {
            return;
        }
        try {
            long before = residentKib();
            long start = System.nanoTime();
            collectReturningChunks();
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.infof("Start-up garbage returned to the system: resident %d KiB before, %d KiB after (%d ms)", before,
                    residentKib(), millis);
        } catch (RuntimeException e) {
            // an option GraalVM no longer has: the heap stays as the start left it, which is only larger
            LOG.warnf("Start-up garbage not returned (%s)", e.toString());
        }
    }

    /** Native only: the class {@link RuntimeOptions} is the native image's, absent from the JVM's class path. */
    private static void collectReturningChunks() {
        Object previous = RuntimeOptions.get(MAX_HEAP_FREE);
        RuntimeOptions.set(MAX_HEAP_FREE, 1L);
        try {
            System.gc();
        } finally {
            RuntimeOptions.set(MAX_HEAP_FREE, previous);
        }
    }

    /** This process's resident set in KiB ({@code VmRSS} of {@code /proc/self/status}), or -1 where there is none. */
    private static long residentKib() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the log line says -1
        }
        return -1;
    }
}
