package dev.latchkey.verify;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter of the verify path, named in one place. Labels are bounded: an endpoint and an outcome code, never a key
 * id. Counters are created once so that the hot path only increments.
 */
@Singleton
public class VerifyMetrics {

    public static final String REQUESTS = "latchkey.verify.requests";
    public static final String DURATION = "latchkey.verify.duration";
    public static final String CACHE_HITS = "latchkey.key.cache.hits";
    public static final String CACHE_MISSES = "latchkey.key.cache.misses";
    public static final String CACHE_SIZE = "latchkey.key.cache.size";
    public static final String CACHE_NEGATIVE_SIZE = "latchkey.key.cache.negative.size";
    public static final String CACHE_INVALIDATIONS = "latchkey.key.cache.invalidations";
    public static final String CACHE_REPAIRS = "latchkey.key.cache.resync.repairs";
    public static final String CACHE_STALENESS = "latchkey.key.cache.staleness.seconds";
    public static final String DATABASE_UP = "latchkey.database.up";
    public static final String RESYNC_CYCLE_SECONDS = "latchkey.key.cache.resync.cycle.seconds";
    public static final String RESYNC_CYCLE_KEYS = "latchkey.key.cache.resync.cycle.keys";
    public static final String FEED_LAG = "latchkey.key.feed.lag";
    public static final String FEED_PENDING = "latchkey.key.feed.pending";
    public static final String USAGE_BACKLOG = "latchkey.usage.flush.backlog";
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

    private final MeterRegistry registry;
    private final Map<Endpoint, Map<VerifyCode, Counter>> requests = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Timer> durations = new EnumMap<>(Endpoint.class);
    private final Counter hits;
    private final Counter negativeHits;
    private final Counter misses;
    private final Counter invalidations;
    private final Counter repairs;
    private final Timer feedLag;
    private final Counter rateDenials;
    private final Counter quotaDenials;
    private final Counter loadsUnreachable;
    private final Counter loadsFailed;

    public VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
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
        invalidations = Counter.builder(CACHE_INVALIDATIONS)
                .description("Cache entries refreshed or evicted by changes").register(registry);
        feedLag = Timer.builder(FEED_LAG)
                .description("From a change's outbox row being written (just before its commit) to this replica having "
                        + "applied it")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
                        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(1000), Duration.ofSeconds(5))
                .register(registry);
        rateDenials = Counter.builder("latchkey.limit.denials").tag("limit", "rate")
                .description("Calls refused by a rate limit or a quota").register(registry);
        quotaDenials = Counter.builder("latchkey.limit.denials").tag("limit", "quota")
                .description("Calls refused by a rate limit or a quota").register(registry);
        loadsUnreachable = Counter.builder(LOAD_FAILURES).tag("reason", "database_unreachable")
                .description("Key loads on the verify path that failed (answered UNAVAILABLE)").register(registry);
        loadsFailed = Counter.builder(LOAD_FAILURES).tag("reason", "error")
                .description("Key loads on the verify path that failed (answered UNAVAILABLE)").register(registry);
        repairs = Counter.builder(CACHE_REPAIRS)
                .description("Entries fixed by the resync (a change that bypassed the change feed)").register(registry);
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

    /** Counts entries refreshed or evicted by changes. */
    public void invalidated(int n) {
        invalidations.increment(n);
    }

    /** Records how long a change took from its outbox row to being applied here. */
    public void feedLag(long millis) {
        feedLag.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Counts entries the resync found out of date. */
    public void repaired(int n) {
        repairs.increment(n);
    }

    /** Registers a gauge read from a supplier. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }
}
