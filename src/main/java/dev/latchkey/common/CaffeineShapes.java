package dev.latchkey.common;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every Caffeine builder of {@code src/main}, and the classes each makes Caffeine load by name — which a native image
 * only finds when registered. Code builds caches only through these methods ({@code NativeRegistrationTest} fails on a
 * {@code Caffeine.newBuilder()} anywhere else, and on a shape whose cache or node class is not listed here).
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
        return Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl);
    }

    /** At most {@code maximumSize} entries, each dropped when unused for {@code idle} (rate-limit buckets). */
    public static Caffeine<Object, Object> sizedExpiringAfterAccess(long maximumSize, Duration idle) {
        return Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(idle);
    }
}
