package dev.latchkey.changefeed;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The meters of the change feed and the resync: how late changes arrive, and what each of them had to repair. */
@Singleton
public class FeedMetrics {

    public static final String CACHE_INVALIDATIONS = "latchkey.key.cache.invalidations";
    public static final String CACHE_REPAIRS = "latchkey.key.cache.resync.repairs";
    public static final String RESYNC_CYCLE_SECONDS = "latchkey.key.cache.resync.cycle.seconds";
    public static final String RESYNC_CYCLE_KEYS = "latchkey.key.cache.resync.cycle.keys";
    public static final String FEED_LAG = "latchkey.key.feed.lag";
    public static final String FEED_PENDING = "latchkey.key.feed.pending";
    public static final String RELOADS = "latchkey.key.feed.reloads";

    private final MeterRegistry registry;
    private final Counter invalidations;
    private final Counter repairs;
    private final Timer feedLag;
    private final Counter reloads;

    public FeedMetrics(MeterRegistry registry) {
        this.registry = registry;
        invalidations = Counter.builder(CACHE_INVALIDATIONS)
                .description("Cache entries refreshed or evicted by changes").register(registry);
        feedLag = Timer.builder(FEED_LAG)
                .description("From a change's outbox row being written (just before its commit) to this replica having "
                        + "applied it")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
                        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(1000), Duration.ofSeconds(5))
                .register(registry);
        reloads = Counter.builder(RELOADS)
                .description("Full loads of the key cache: at start-up, and when the outbox was pruned past what this "
                        + "replica had read")
                .register(registry);
        repairs = Counter.builder(CACHE_REPAIRS)
                .description("Entries fixed by the resync (a change that bypassed the change feed)").register(registry);
    }

    /** Counts entries refreshed or evicted by changes. */
    void invalidated(int n) {
        invalidations.increment(n);
    }

    /** Records how long a change took from its outbox row to being applied here. */
    void feedLag(long millis) {
        feedLag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** Counts a full load of the cache. */
    void reloaded() {
        reloads.increment();
    }

    /** Counts entries the resync found out of date. */
    void repaired(int n) {
        repairs.increment(n);
    }

    /** Registers a gauge read from a supplier. */
    void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }
}
