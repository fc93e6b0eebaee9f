package dev.latchkey.verify;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.verify.cache.CachedKey;

/**
 * Per-key rate limits with Bucket4j: {@code limit} verifications per {@code windowSeconds}, refilled as a whole at each
 * window (a fixed window, as users read "100 per minute"). Buckets live in this replica's memory: with N replicas a key
 * may pass up to N x limit.
 */
@Singleton
public class RateLimits {

    /** The outcome of taking one token. */
    public record Probe(boolean allowed, long limit, long remaining, long resetAtEpochSecond, long retryAfterSeconds) {
    }

    private record Entry(int limit, int windowSeconds, Bucket bucket) {
    }

    private final Cache<String, Entry> buckets = CaffeineShapes.sizedExpiringAfterAccess(2_000_000, Duration.ofHours(2))
            .build();

    /** Takes one token for the key; null when the key has no rate limit. */
    public Probe take(CachedKey key, long nowMillis) {
        if (key.rateLimit() == null) {
            return null;
        }
        int limit = key.rateLimit();
        int window = key.rateLimitWindowSeconds();
        Entry e = buckets.get(key.keyId(), id -> newEntry(limit, window));
        if (e.limit() != limit || e.windowSeconds() != window) {
            e = newEntry(limit, window); // the key's limit was changed: start afresh
            buckets.put(key.keyId(), e);
        }
        ConsumptionProbe p = e.bucket().tryConsumeAndReturnRemaining(1);
        long resetNanos = p.getNanosToWaitForReset();
        long resetAt = (nowMillis + TimeUnit.NANOSECONDS.toMillis(resetNanos) + 999) / 1000;
        long retryAfter = Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Probe(p.isConsumed(), limit, p.getRemainingTokens(), resetAt, retryAfter);
    }

    private static Entry newEntry(int limit, int windowSeconds) {
        Bucket bucket = Bucket.builder().addLimit(
                Bandwidth.builder().capacity(limit).refillIntervally(limit, Duration.ofSeconds(windowSeconds)).build())
                .build();
        return new Entry(limit, windowSeconds, bucket);
    }
}
