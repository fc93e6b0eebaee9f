package dev.latchkey.bench;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.support.TestConfig;
import dev.latchkey.usage.UsageRecorder;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * Heap cost of one cached key, measured in-process: fills a {@link KeyCache} with N keys shaped like the benchmark's
 * (service, role, all workspaces, name = keyId) and compares used heap after full GCs. usage: HeapPerKey [N]
 */
public final class HeapPerKey {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        UsageRecorder usage = new UsageRecorder();
        KeyCache cache = new KeyCache(TestConfig.withVerify(Map.of("cacheMaxSize", (long) n + 10)),
                new SimpleMeterRegistry(), usage, java.time.Clock.systemUTC());
        long now = System.currentTimeMillis();
        long before = used();
        SecureRandom r = new SecureRandom();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder(16);
            for (int j = 0; j < 16; j++) {
                b.append(alphabet.charAt(r.nextInt(62)));
            }
            String keyId = b.toString();
            byte[] hash = new byte[32];
            r.nextBytes(hash);
            CachedKey k = Fixtures.key(cache, i, keyId, hash);
            cache.putLoaded(keyId, k, cache.generation());
            usage.record(k, VerifyCode.VALID, now); // every key used once, as in the benchmark
        }
        cache.size();
        long after = used();

        System.out.printf("%d keys: %.1f MB, %d bytes per cached key%n", n, (after - before) / 1048576.0,
                (after - before) / n);
    }

    private static long used() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Builds keys the way the loader does. */
    static final class Fixtures {
        static CachedKey key(KeyCache cache, long id, String keyId, byte[] hash) {
            return new CachedKey(id, keyId, cache.handle(1), KeyKind.SERVICE, "lks", keyId, hash, null, false, true,
                    "viewer", true, cache.handle(1).workspaces(new long[0]), id * 31, null);
        }
    }
}
