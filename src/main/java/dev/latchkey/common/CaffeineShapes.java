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
 * (README, "Benchmark", "Signing contexts reused"). A drain does work bounded by the writes since the last one, and an
 * entry's expiry a removal, so no caller waits on more than its share.
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
