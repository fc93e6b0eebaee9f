package dev.latchkey.keycache;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.latchkey.support.Parallel;
import dev.latchkey.support.TestClock;
import dev.latchkey.support.TestConfig;
import dev.latchkey.usage.UsageRecorder;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * A load that overlapped an invalidation must not be cached: otherwise a key revoked while a replica was loading it
 * would stay valid there. The same rule holds for an organization's shared state and a member's rights.
 */
class KeyCacheTest {

    static KeyCache cache() {
        return cache(new UsageRecorder(), Clock.systemUTC());
    }

    static KeyCache cache(UsageRecorder usage, Clock clock) {
        return new KeyCache(TestConfig.withVerify(Map.of("cacheMaxSize", 1000L, "negativeMaxSize", 1000L)),
                new SimpleMeterRegistry(), usage, clock);
    }

    static String id(int i) {
        return String.format("K%015d", i);
    }

    @Test
    void overTheBoundTheKeysNotUsedSinceTheHandsLastPassLeaveFirst() {
        TestClock clock = new TestClock();
        UsageRecorder usage = new UsageRecorder();
        KeyCache cache = cache(usage, clock);
        for (int i = 0; i < 1000; i++) {
            assertTrue(cache.putLoaded(id(i), key(cache, id(i), false), cache.generation()));
        }
        for (int i = 0; i < 100; i++) {
            usage.record(cache.get(id(i)), VerifyCode.VALID, clock.millis());
        }
        cache.putLoaded(id(1000), key(cache, id(1000), false), cache.generation());
        assertEquals(1000, cache.size());
        for (int i = 0; i < 100; i++) {
            assertTrue(cache.contains(id(i)), "used key " + i + " kept");
        }
        // every key in use: the bound still holds (a pass that finds nothing idle makes the next one evict in order)
        clock.advance(Duration.ofMinutes(1));
        cache.keys().forEach(k -> usage.record(k, VerifyCode.VALID, clock.millis()));
        for (int i = 1001; i < 1100; i++) {
            cache.putLoaded(id(i), key(cache, id(i), false), cache.generation());
            assertEquals(1000, cache.size(), "after " + i);
        }
    }

    /**
     * Four loaders adding 80,000 keys at once leave the cache exactly at its bound. (While they run it may hold one
     * entry over the bound per loader: each adds its entry, then evicts. A sampling thread's figure is printed, not
     * asserted: ConcurrentHashMap's size sums per-thread counters without a lock, and a sampler descheduled halfway
     * through the sum on two busy cores reads it a dozen entries high or more.)
     */
    @Test
    void concurrentLoadsEndExactlyAtTheBound() throws Exception {
        KeyCache cache = cache();
        int loaders = 4;
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong largest = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                largest.accumulateAndGet(cache.size(), Math::max);
            }
        });
        sampler.start();
        try {
            Parallel.forEach(loaders, List.of(0, 1, 2, 3), t -> {
                for (int i = 0; i < 20_000; i++) {
                    String id = id(t * 100_000 + i);
                    cache.putLoaded(id, key(cache, id, false), cache.generation());
                }
            });
        } finally {
            running.set(false);
            sampler.join();
        }
        System.out.printf("cache bound 1000, %d loaders adding 80,000 keys: largest size sampled %d (an estimate)%n",
                loaders, largest.get());
        assertEquals(1000, cache.size());
        assertEquals(1000, cache.keys().stream().count(), "counted entry by entry");
    }

    static CachedKey key(KeyCache cache, String keyId, boolean revoked) {
        return new CachedKey(1, keyId, cache.handle(7), KeyKind.SERVICE, "lks", "n", new byte[32], null, revoked, true,
                "viewer", true, new long[0], 42, null);
    }

    static OrgState org(String slug) {
        return new OrgState(7, slug, Map.of(), Map.of(1L, "ws"), Map.of("ws", 1L), List.of("ws"), 1);
    }

    @Test
    void aLoadThatOverlappedAnInvalidationIsNotCached() {
        KeyCache cache = cache();
        long before = cache.generation();
        cache.evict("AAAAAAAAAAAAAAAA"); // the revoke is applied while the (pre-revoke) load is in flight
        assertFalse(cache.putLoaded("AAAAAAAAAAAAAAAA", key(cache, "AAAAAAAAAAAAAAAA", false), before));
        assertNull(cache.get("AAAAAAAAAAAAAAAA"), "a stale load must not be cached");

        assertTrue(cache.putLoaded("AAAAAAAAAAAAAAAA", key(cache, "AAAAAAAAAAAAAAAA", true), cache.generation()));
        assertTrue(cache.get("AAAAAAAAAAAAAAAA").revoked(), "a load with no invalidation meanwhile is cached");
    }

    /**
     * The loaded entry a concurrent change kept out of the cache still answers its request, which counts the use on it;
     * that count is flushed (it was lost before: the entry was in neither the cache nor the retired list).
     */
    @Test
    void theUseOfALoadNotCachedIsStillFlushed() {
        UsageRecorder usage = new UsageRecorder();
        KeyCache cache = cache(usage, Clock.systemUTC());
        long before = cache.generation();
        CachedKey loaded = key(cache, "CCCCCCCCCCCCCCCC", false);
        cache.evict("CCCCCCCCCCCCCCCC"); // e.g. a whole reload under way
        assertFalse(cache.putLoaded("CCCCCCCCCCCCCCCC", loaded, before));
        usage.record(loaded, VerifyCode.VALID, 5 * 3_600_000L); // the request that loaded it is answered from it
        long[] flushed = { 0 };
        usage.drain().forEachCount((pk, hour, code, n) -> flushed[0] += n);
        assertEquals(1, flushed[0]);
    }

    /**
     * On a standby the cache is in sync as of the read minus the standby's lag: within max-staleness (5 min here) known
     * keys are answered, beyond it they are not (the verify path answers UNAVAILABLE).
     */
    @Test
    void aStandbysLagCountsIntoTheStaleness() {
        KeyCache cache = new KeyCache(TestConfig.withVerify(Map.of("maxStaleness", Duration.ofMinutes(5))),
                new SimpleMeterRegistry(), new UsageRecorder(), Clock.systemUTC());
        cache.markInSync(Duration.ofMinutes(4).toNanos());
        assertTrue(cache.fresh(), "4 min behind: still within the limit");
        assertTrue(cache.staleness().toSeconds() >= 240, cache.staleness().toString());
        cache.markInSync(Duration.ofMinutes(6).toNanos());
        assertFalse(cache.fresh(), "6 min behind: beyond it, though the read just happened");
        cache.markInSync(0);
        assertTrue(cache.fresh());
    }

    @Test
    void anUnknownIdIsNotRememberedIfAChangeWasAppliedDuringTheLoad() {
        KeyCache cache = cache();
        long before = cache.generation();
        cache.evict("BBBBBBBBBBBBBBBB"); // the creation's invalidation
        cache.putLoaded("BBBBBBBBBBBBBBBB", null, before);
        assertFalse(cache.isKnownUnknown("BBBBBBBBBBBBBBBB"));
        cache.putLoaded("BBBBBBBBBBBBBBBB", null, cache.generation());
        assertTrue(cache.isKnownUnknown("BBBBBBBBBBBBBBBB"));
    }

    @Test
    void anOrganizationStateLoadedBeforeAnOrganizationChangeIsNotInstalled() {
        KeyCache cache = cache();
        long before = cache.generation();
        cache.beginInvalidation(); // a role change is being applied
        assertFalse(cache.installOrg(org("old"), before));
        assertNull(cache.handle(7).state());
        assertTrue(cache.installOrg(org("new"), cache.generation()));
        assertEquals("new", cache.handle(7).state().slug());
    }

    @Test
    void anOrganizationChangeReachesEveryKeyOfItThroughTheSharedHandle() {
        KeyCache cache = cache();
        cache.installOrg(org("before"), cache.generation());
        CachedKey a = key(cache, "CCCCCCCCCCCCCCCC", false);
        CachedKey b = key(cache, "DDDDDDDDDDDDDDDD", false);
        cache.putLoaded(a.keyId(), a, cache.generation());
        cache.putLoaded(b.keyId(), b, cache.generation());
        cache.installOrg(org("after"), cache.beginInvalidation());
        assertEquals("after", cache.get(a.keyId()).org().state().slug());
        assertEquals("after", cache.get(b.keyId()).org().state().slug());
        cache.invalidateOrg(7);
        assertNull(cache.get(a.keyId()).org().state(), "a dropped state is loaded again on the next request");
    }

    @Test
    void memberRightsLoadedBeforeAMemberChangeAreNotInstalled() {
        KeyCache cache = cache();
        long before = cache.generation();
        cache.invalidateMember(7, "alice");
        assertFalse(cache.installMember(7, "alice", MemberRights.ABSENT, before));
        assertNull(cache.handle(7).member("alice"));
        assertTrue(cache.installMember(7, "alice", MemberRights.ABSENT, cache.generation()));
        assertFalse(cache.handle(7).member("alice").member());
    }
}
