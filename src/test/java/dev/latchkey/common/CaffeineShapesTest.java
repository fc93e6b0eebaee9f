package dev.latchkey.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * Every cache shape does its maintenance on the thread that wrote (README, "Benchmark", "Signing contexts reused"): an
 * entry over the maximum is evicted before {@code put} returns, by the writer itself, never handed to another thread.
 * Caffeine's default executor, the common {@code ForkJoinPool}, would evict later on one of its own threads.
 */
class CaffeineShapesTest {

    @Test
    void evictionRunsOnTheWritingThreadBeforeThePutReturns() {
        for (Caffeine<Object, Object> shape : List.of(CaffeineShapes.sizedExpiringAfterWrite(2, Duration.ofHours(1)),
                CaffeineShapes.sizedExpiringAfterAccess(2, Duration.ofHours(1)))) {
            List<Thread> evictedOn = new CopyOnWriteArrayList<>();
            List<RemovalCause> causes = new CopyOnWriteArrayList<>();
            Cache<String, String> cache = shape.evictionListener((String k, String v, RemovalCause cause) -> {
                evictedOn.add(Thread.currentThread());
                causes.add(cause);
            }).build();
            for (int i = 0; i < 50; i++) {
                cache.put("k" + i, "v" + i);
            }
            assertEquals(48, evictedOn.size(), "evicted before the last put returned");
            for (Thread t : evictedOn) {
                assertSame(Thread.currentThread(), t);
            }
            assertEquals(List.of(RemovalCause.SIZE), causes.stream().distinct().toList());
            assertEquals(2, cache.estimatedSize());
        }
    }
}
