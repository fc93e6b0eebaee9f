package dev.latchkey.verify;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusMeterRegistry;

import dev.latchkey.vocabulary.VerifyCode;

/**
 * The meters of the verify decision: answers by endpoint and outcome, their time, cache hits and misses, failed loads
 * and limit denials (the cache's sizes are registered by keycache/KeyCache, the feed's by changefeed/FeedMetrics).
 * Labels are bounded: an endpoint and an outcome code, never a key id. Counters are created once so that the hot path
 * only increments, and on the Prometheus registry that {@code /q/metrics} scrapes rather than on the composite registry
 * Quarkus injects as {@code MeterRegistry}: a composite meter walks its registries' meters on every increment (an
 * {@code IdentityHashMap} iteration), which was 8.6 % of the Java samples of a cached {@code /authorize} by JFR
 * (README, "Metrics").
 */
@Singleton
public class VerifyMetrics {

    public static final String REQUESTS = "latchkey.verify.requests";
    public static final String DURATION = "latchkey.verify.duration";
    public static final String CACHE_HITS = "latchkey.key.cache.hits";
    public static final String CACHE_MISSES = "latchkey.key.cache.misses";
    public static final String LOAD_FAILURES = "latchkey.key.load.failures";

    /** Sub-millisecond work needs sub-millisecond buckets. */
    private static final Duration[] SLO = { Duration.ofNanos(25_000), Duration.ofNanos(50_000),
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1) };

    /** Which endpoint answered. */
    public enum Endpoint {
        VERIFY, AUTHORIZE
    }

    private final Map<Endpoint, Map<VerifyCode, Counter>> requests = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Timer> durations = new EnumMap<>(Endpoint.class);
    private final Counter hits;
    private final Counter negativeHits;
    private final Counter misses;
    private final Counter rateDenials;
    private final Counter quotaDenials;
    private final Counter loadsUnreachable;
    private final Counter loadsFailed;

    public VerifyMetrics(PrometheusMeterRegistry registry) {
        for (Endpoint e : Endpoint.values()) {
            String endpoint = e.name().toLowerCase();
            Map<VerifyCode, Counter> byCode = new EnumMap<>(VerifyCode.class);
            for (VerifyCode c : VerifyCode.values()) {
                byCode.put(c, Counter.builder(REQUESTS).description("Verify answers by endpoint and outcome")
                        .tag("endpoint", endpoint).tag("outcome", c.name()).register(registry));
            }
            requests.put(e, byCode);
            durations.put(e, Timer.builder(DURATION).description("Time to answer a verify or authorize request")
                    .tag("endpoint", endpoint).serviceLevelObjectives(SLO).register(registry));
        }
        hits = Counter.builder(CACHE_HITS).tag("result", "key").description("Lookups answered by the key cache")
                .register(registry);
        negativeHits = Counter.builder(CACHE_HITS).tag("result", "unknown")
                .description("Lookups answered by the negative cache").register(registry);
        misses = Counter.builder(CACHE_MISSES).description("Lookups that went to the database").register(registry);
        rateDenials = Counter.builder("latchkey.limit.denials").tag("limit", "rate")
                .description("Calls refused by a rate limit or a quota").register(registry);
        quotaDenials = Counter.builder("latchkey.limit.denials").tag("limit", "quota")
                .description("Calls refused by a rate limit or a quota").register(registry);
        loadsUnreachable = Counter.builder(LOAD_FAILURES).tag("reason", "database_unreachable")
                .description("Key loads on the verify path that failed (answered UNAVAILABLE)").register(registry);
        loadsFailed = Counter.builder(LOAD_FAILURES).tag("reason", "error")
                .description("Key loads on the verify path that failed (answered UNAVAILABLE)").register(registry);
    }

    void recorded(Endpoint endpoint, VerifyCode code, long startNanos) {
        requests.get(endpoint).get(code).increment();
        if (code == VerifyCode.RATE_LIMITED) {
            rateDenials.increment();
        } else if (code == VerifyCode.USAGE_EXCEEDED) {
            quotaDenials.increment();
        }
        durations.get(endpoint).record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void hit() {
        hits.increment();
    }

    void negativeHit() {
        negativeHits.increment();
    }

    void miss() {
        misses.increment();
    }

    /** Counts a failed key load: the database unreachable, or anything else (a bug, a query PostgreSQL refused). */
    void loadFailed(boolean unreachable) {
        (unreachable ? loadsUnreachable : loadsFailed).increment();
    }
}
