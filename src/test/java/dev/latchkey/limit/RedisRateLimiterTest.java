package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

import dev.latchkey.limit.store.MemoryLimitStore;
import dev.latchkey.limit.store.RedisLimitStore;
import dev.latchkey.limit.store.RedisLink;
import dev.latchkey.support.MutableClock;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.RedisProcess;

/** Three limiters (replicas) on one real Redis, each with its own connection: the window is one budget. */
class RedisRateLimiterTest {

    static RedisProcess redis;
    static Vertx vertx;
    static List<RedisLink> links;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        vertx = Vertx.vertx();
        links = IntStream.range(0, 3).mapToObj(i -> new RedisLink(vertx, redis.url(), Duration.ofSeconds(2),
                Duration.ofSeconds(1), new SimpleMeterRegistry())).toList();
    }

    @AfterAll
    static void stop() throws Exception {
        links.forEach(RedisLink::close);
        vertx.close().toCompletionStage().toCompletableFuture().get();
        redis.close();
    }

    RateLimiter.Probe take(RateLimiter l, LimitState s, String key, int limit) {
        try {
            return l.take(key, s, limit, 60).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void run(int limit, int calls, int threads, long low, long high) {
        MutableClock clock = new MutableClock(Instant.now());
        List<RateLimiter> limiters = links.stream()
                .map(link -> new RateLimiter(new LimitStores(new RedisLimitStore(link, Duration.ofDays(1)),
                        new MemoryLimitStore(clock), link::up, 0.01), clock))
                .toList();
        List<LimitState> states = List.of(new LimitState(), new LimitState(), new LimitState());
        String key = UUID.randomUUID().toString();
        AtomicLong admitted = new AtomicLong();
        Parallel.forEach(threads, IntStream.range(0, calls).boxed().toList(), i -> {
            if (take(limiters.get(i % 3), states.get(i % 3), key, limit).allowed()) {
                admitted.incrementAndGet();
            }
        });
        System.out.printf("Redis, 3 replicas, limit %,d: %,d of %,d admitted%n", limit, admitted.get(), calls);
        assertTrue(admitted.get() >= low && admitted.get() <= high, "admitted " + admitted.get());
    }

    @Test
    void roundRobinOnALimitOf100Admits95To100() {
        run(100, 300, 12, 95, 100);
    }

    @Test
    void batchedLeasesOnALimitOf20000Admit95To100Percent() {
        run(20_000, 40_000, 16, 19_000, 20_000);
    }
}
