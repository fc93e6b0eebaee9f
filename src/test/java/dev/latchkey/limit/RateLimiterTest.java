package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.MemoryLimitStore;
import dev.latchkey.support.MutableClock;
import dev.latchkey.support.Parallel;

/**
 * Rate limits with leasing, several replicas at once: each "replica" is its own {@link RateLimiter} with its own state
 * for the key and its own fallback, all sharing one store as replicas share Redis (RedisRateLimiterTest runs the same
 * over a real Redis). Time is a {@link MutableClock}.
 */
class RateLimiterTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final MemoryLimitStore shared = new MemoryLimitStore(clock);
    final AtomicBoolean sharedUp = new AtomicBoolean(true);

    /** One replica's limiter and its state for one key. */
    record Replica(RateLimiter limiter, LimitState state) {
        RateLimiter.Probe take(String keyId, int limit, int window) {
            try {
                return limiter.take(keyId, state, limit, window).toCompletionStage().toCompletableFuture().get(10,
                        TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    List<Replica> replicas(int n, LimitStore store, double fraction) {
        return IntStream.range(0, n).mapToObj(i -> new Replica(
                new RateLimiter(new LimitStores(store, new MemoryLimitStore(clock), sharedUp::get, fraction), clock),
                new LimitState())).toList();
    }

    @Test
    void threeReplicasRoundRobinAdmitExactlyTheLimitWhenLeasesAreSingleTokens() {
        String key = UUID.randomUUID().toString();
        List<Replica> r = replicas(3, shared, 0.01); // limit 100 x 0.01 = 1 token per lease
        AtomicLong admitted = new AtomicLong();
        Parallel.forEach(12, IntStream.range(0, 300).boxed().toList(), i -> {
            if (r.get(i % 3).take(key, 100, 60).allowed()) {
                admitted.incrementAndGet();
            }
        });
        assertEquals(100, admitted.get());
    }

    @Test
    void batchedLeasesNeverExceedTheLimitAndRefuseNothingBelow95Percent() {
        String key = UUID.randomUUID().toString();
        List<Replica> r = replicas(3, shared, 0.01); // leases of up to 100 of 10,000
        AtomicLong admitted = new AtomicLong();
        AtomicLong admittedAtFirstDenial = new AtomicLong(-1);
        // uneven traffic: replica 2 only sees the first calls and keeps its unused lease
        Parallel.forEach(16, IntStream.range(0, 30_000).boxed().toList(), i -> {
            Replica at = i < 50 ? r.get(2) : r.get(i % 2);
            if (at.take(key, 10_000, 60).allowed()) {
                admitted.incrementAndGet();
            } else {
                admittedAtFirstDenial.compareAndSet(-1, admitted.get());
            }
        });
        System.out.printf(
                "rate limit 10,000 over 3 replicas, leases <= 100: %d admitted, %d when the first was refused%n",
                admitted.get(), admittedAtFirstDenial.get());
        assertTrue(admitted.get() <= 10_000, "admitted " + admitted.get());
        assertTrue(admitted.get() >= 9_500, "admitted " + admitted.get());
        assertTrue(admittedAtFirstDenial.get() >= 9_500 - 16, "first refusal at " + admittedAtFirstDenial.get());
    }

    @Test
    void aWindowEndsOnTheClockAndTheAnswerSaysWhen() {
        String key = UUID.randomUUID().toString();
        Replica r = replicas(1, shared, 0.01).get(0);
        for (int i = 0; i < 5; i++) {
            RateLimiter.Probe p = r.take(key, 5, 60);
            assertTrue(p.allowed());
            assertEquals(4 - i, p.remaining());
        }
        RateLimiter.Probe denied = r.take(key, 5, 60);
        assertFalse(denied.allowed());
        assertEquals(60, denied.retryAfterSeconds());
        assertEquals(clock.millis() / 1000 + 60, denied.resetAtEpochSecond());
        clock.advance(Duration.ofSeconds(59));
        assertFalse(r.take(key, 5, 60).allowed());
        assertEquals(1, r.take(key, 5, 60).retryAfterSeconds());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(r.take(key, 5, 60).allowed(), "a new window");
    }

    @Test
    void withTheSharedStoreDownEachReplicaCountsAloneAndComesBackToTheSharedWindow() {
        String key = UUID.randomUUID().toString();
        List<Replica> r = replicas(2, shared, 0.01);
        assertTrue(r.get(0).take(key, 10, 60).allowed()); // 1 of 10 from the shared window
        sharedUp.set(false);
        long fallbackAdmitted = IntStream.range(0, 40).filter(i -> r.get(i % 2).take(key, 10, 60).allowed()).count();
        assertEquals(20, fallbackAdmitted, "degraded: each replica admits the limit on its own");
        sharedUp.set(true);
        long back = IntStream.range(0, 40).filter(i -> r.get(i % 2).take(key, 10, 60).allowed()).count();
        assertEquals(9, back, "back on the shared window, which had 9 left");
    }
}
