package dev.latchkey.common.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code /q/metrics} as strict Prometheus tooling reads it ({@code promtool check metrics} finds nothing):
 * <ul>
 * <li>help text: the format escapes only backslash and newline in HELP lines, and Micrometer wrote a double quote as
 * {@code \"} ({@code process_cpu_usage}), which made promtool and Telegraf reject the whole page; quotes become
 * apostrophes, and a meter without a description gets one from its name;
 * <li>library names against the conventions: gauges named {@code *_count} are renamed ({@link #RENAMED}); the pool's
 * timings in milliseconds are replaced by the same values in seconds ({@code agroal_*_time_*_seconds}); one meter whose
 * exposition cannot be made valid is left out: {@code process.cpu.time} (nanoseconds, in an abbreviated unit;
 * {@code process_cpu_usage} remains).
 * </ul>
 */
public class PrometheusNames {

    /** Library gauges whose names end in {@code _count}, which Prometheus reserves for histograms and summaries. */
    static final Map<String, String> RENAMED = Map.of("agroal.active.count", "agroal.connections.active",
            "agroal.available.count", "agroal.connections.available", "agroal.awaiting.count",
            "agroal.threads.awaiting", "agroal.max.used.count", "agroal.connections.max.used", "system.cpu.count",
            "system.cpu.cores");

    @Produces
    @Singleton
    MeterFilter prometheusNames() {
        return new MeterFilter() {
            @Override
            public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                String name = id.getName();
                boolean millis = name.startsWith("agroal.") && "milliseconds".equals(id.getBaseUnit());
                // Vert.x' Redis client meters have no name of their own ("m..reset", ".queue.size"); latchkey_redis_*
                // measure the same round trips, and redis_pool_* the pool
                boolean unnamedClient = "redis".equals(id.getTag("clientType"));
                return millis || unnamedClient || name.equals("process.cpu.time")
                        ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                        : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String name = RENAMED.getOrDefault(id.getName(), id.getName());
                String description = id.getDescription();
                String help = description == null || description.isBlank() ? name.replace('.', ' ')
                        : description.replace('"', '\'').replace('\n', ' ');
                return name.equals(id.getName()) && help.equals(description) ? id
                        : new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
            }
        };
    }

    /** The pool's timings in seconds, in place of Agroal's milliseconds meters. */
    void poolTimings(@Observes StartupEvent start, MeterRegistry registry, AgroalDataSource pool) {
        Map<String, Function<AgroalDataSourceMetrics, Duration>> timings = Map.of("agroal.blocking.time.average",
                AgroalDataSourceMetrics::blockingTimeAverage, "agroal.blocking.time.max",
                AgroalDataSourceMetrics::blockingTimeMax, "agroal.blocking.time.total",
                AgroalDataSourceMetrics::blockingTimeTotal, "agroal.creation.time.average",
                AgroalDataSourceMetrics::creationTimeAverage, "agroal.creation.time.max",
                AgroalDataSourceMetrics::creationTimeMax, "agroal.creation.time.total",
                AgroalDataSourceMetrics::creationTimeTotal);
        timings.forEach((name, timing) -> Gauge.builder(name, pool, p -> timing.apply(p.getMetrics()).toNanos() / 1e9)
                .baseUnit("seconds")
                .description("Connection pool: " + name.substring(7).replace('.', ' ') + " (seconds)")
                .tag("datasource", "default").register(registry));
    }
}
