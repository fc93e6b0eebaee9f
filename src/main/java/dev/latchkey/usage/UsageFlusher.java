package dev.latchkey.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.verify.VerifyMetrics;

/**
 * Writes what {@link UsageRecorder} counted, in one batch per flush: hourly counts are added to
 * {@code key_usage_hourly}, last-used times only move forward. A failed flush puts its batch back; a clean shutdown
 * flushes once more. Also prunes the invalidation outbox.
 */
@ApplicationScoped
public class UsageFlusher {

    private static final Logger LOG = Logger.getLogger(UsageFlusher.class);

    private final UsageRecorder recorder;
    private final DataSource dataSource;
    private final Clock clock;
    private final LatchkeyConfig config;

    public UsageFlusher(UsageRecorder recorder, DataSource dataSource, Clock clock, LatchkeyConfig config,
            VerifyMetrics metrics) {
        this.recorder = recorder;
        this.dataSource = dataSource;
        this.clock = clock;
        this.config = config;
        metrics.gauge(VerifyMetrics.USAGE_BACKLOG, "Usage slots and last-used marks waiting to be written",
                recorder::backlog);
    }

    @Scheduled(every = "${latchkey.usage.flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        flush();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        if (!flush()) {
            LOG.error("Usage could not be written at shutdown; the last counts of this replica are lost");
        }
    }

    /** Writes everything counted so far; false (and nothing lost) when the database refused. */
    public synchronized boolean flush() {
        UsageRecorder.Drained batch = recorder.drain(clock.millis());
        if (batch.isEmpty()) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement counts = c.prepareStatement(
                    """
                            insert into key_usage_hourly (api_key_id, hour, outcome, count) values (?, ?, ?, ?)
                            on conflict (api_key_id, hour, outcome) do update set count = key_usage_hourly.count + excluded.count
                            """);
                    PreparedStatement used = c.prepareStatement(
                            "update api_keys set last_used_at = greatest(coalesce(last_used_at, ?), ?) where id = ?")) {
                for (UsageRecorder.Count n : batch.counts()) {
                    counts.setLong(1, n.keyPk());
                    counts.setTimestamp(2, Timestamp.from(Instant.ofEpochSecond(n.hourEpochSecond())));
                    counts.setString(3, n.code().name());
                    counts.setLong(4, n.count());
                    counts.addBatch();
                }
                counts.executeBatch();
                for (var e : batch.lastUsed().entrySet()) {
                    Timestamp at = Timestamp.from(Instant.ofEpochMilli(e.getValue()));
                    used.setTimestamp(1, at);
                    used.setTimestamp(2, at);
                    used.setLong(3, e.getKey());
                    used.addBatch();
                }
                used.executeBatch();
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            recorder.restore(batch);
            LOG.debugf("usage flush deferred: %s", e.getMessage());
            return false;
        }
    }

    @Scheduled(every = "1h", delayed = "1m")
    void pruneOutbox() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from key_invalidations where created_at < ?")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(config.usage().outboxRetention())));
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.debugf("outbox pruning deferred: %s", e.getMessage());
        }
    }
}
