package dev.latchkey.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Writes;

/**
 * Writes what {@link UsageRecorder} counted, in two statements per flush whatever its size: hourly counts are added to
 * {@code key_usage_hourly}, last-used times (in {@code key_last_used}, not on the key row) only move forward. A failed
 * flush puts its batch back; a clean shutdown flushes once more.
 */
@ApplicationScoped
public class UsageFlusher {

    public static final String BACKLOG = "latchkey.usage.flush.backlog";

    private static final Logger LOG = Logger.getLogger(UsageFlusher.class);

    private final UsageRecorder recorder;
    private final DataSource dataSource;

    public UsageFlusher(UsageRecorder recorder, @Writes DataSource dataSource, MeterRegistry metrics) {
        this.recorder = recorder;
        this.dataSource = dataSource;
        Gauge.builder(BACKLOG, recorder::backlog)
                .description(
                        "Finished-hour counts, failed-flush batches and retired cache entries waiting to be written")
                .register(metrics);
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
        UsageBatch batch = recorder.drain();
        if (batch.isEmpty()) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            // one statement per table, whatever the batch size: arrays of numbers unnested by PostgreSQL, which also
            // sums repeated rows and builds the times (no object per row here: see UsageBatch). Rows are written in
            // key order, so replicas flushing the same keys at once take their row locks in the same order. Keys whose
            // row is gone (deleted by SQL: the service only hides keys) are skipped, in both tables: one such key
            // would otherwise fail every flush on the foreign key, and the whole replica's usage with it.
            try (PreparedStatement counts = c.prepareStatement(
                    """
                            insert into key_usage_hourly (api_key_id, hour, outcome, count)
                            select u.id, timestamptz 'epoch' + u.h * interval '1 second', u.o, sum(u.n)
                              from unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::bigint[]) as u(id, h, o, n)
                              join api_keys k on k.id = u.id
                             group by u.id, u.h, u.o
                             order by u.id, u.h, u.o
                            on conflict (api_key_id, hour, outcome) do update set count = key_usage_hourly.count + excluded.count
                            """);
                    PreparedStatement used = c.prepareStatement("""
                            insert into key_last_used (api_key_id, at)
                            select u.id, timestamptz 'epoch' + max(u.ms) * interval '1 millisecond'
                              from unnest(?::bigint[], ?::bigint[]) as u(id, ms)
                              join api_keys k on k.id = u.id
                             group by u.id
                             order by u.id
                            on conflict (api_key_id) do update set at = greatest(key_last_used.at, excluded.at)
                            """)) {
                // long[] parameters go to the driver as they are (pgjdbc sends primitive arrays without boxing)
                counts.setObject(1, batch.countKeyPks());
                counts.setObject(2, batch.countHours());
                counts.setArray(3, c.createArrayOf("varchar", batch.countOutcomes()));
                counts.setObject(4, batch.countValues());
                counts.executeUpdate();
                used.setObject(1, batch.usedKeyPks());
                used.setObject(2, batch.usedAtMillis());
                used.executeUpdate();
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
}
