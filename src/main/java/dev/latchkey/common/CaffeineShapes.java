package dev.latchkey.common;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every Caffeine builder of {@code src/main}, and the classes each makes Caffeine load by name — which a native image
 * only finds when registered. Code builds caches only through these methods ({@code NativeRegistrationTest} fails on a
 * {@code Caffeine.newBuilder()} anywhere else, and on a shape whose cache or node class is not listed here).
 * <p>
 * Every shape does its maintenance (the write buffer's drain, eviction, expiry) on the thread that wrote, not on
 * Caffeine's default executor, the common {@code ForkJoinPool}. The caches written on the request path (identity tokens
 * of keys not seen lately, unknown keys) are written by the event loops at up to a write per request; handing each
 * drain to a pool thread woke that thread thousands of times a second, and the wake-ups cost more CPU than the drains
 * (README, "Benchmark", "Signing contexts reused"). Under traffic a drain removes what was written or expired since the
 * last one, a few entries. After a lull in which a cache's entries all expired, the first call to touch it removes them
 * all: 1.4-5.5 ms for 10,000 entries on the JVM (Caffeine 3.2.4, measured with a fake ticker), once, when no request is
 * queued behind it.
 */
@RegisterForReflection(classNames = {
        // sizedExpiringAfterWrite: maximum size, expire after write
        "com.github.benmanes.caffeine.cache.SSMSW", "com.github.benmanes.caffeine.cache.PSWMS",
        // sizedExpiringAfterAccess: maximum size, expire after access
        "com.github.benmanes.caffeine.cache.SSMSA", "com.github.benmanes.caffeine.cache.PSAMS" })
public final class CaffeineShapes {

    private CaffeineShapes() {
    }

    /** At most {@code maximumSize} entries, each dropped {@code ttl} after it was written (the unknown-key cache). */
    public static Caffeine<Object, Object> sizedExpiringAfterWrite(long maximumSize, Duration ttl) {
        return Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).executor(Runnable::run);
    }

    /** At most {@code maximumSize} entries, each dropped when unused for {@code idle} (rate-limit buckets). */
    public static Caffeine<Object, Object> sizedExpiringAfterAccess(long maximumSize, Duration idle) {
        return Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(idle).executor(Runnable::run);
    }
}
