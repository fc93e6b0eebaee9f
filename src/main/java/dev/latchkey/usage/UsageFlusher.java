package dev.latchkey.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

import dev.latchkey.verify.VerifyMetrics;

/**
 * Writes what {@link UsageRecorder} counted, in two statements per flush whatever its size: hourly counts are added to
 * {@code key_usage_hourly}, last-used times (in {@code key_last_used}, not on the key row) only move forward. A failed
 * flush puts its batch back; a clean shutdown flushes once more.
 */
@ApplicationScoped
public class UsageFlusher {

    private static final Logger LOG = Logger.getLogger(UsageFlusher.class);

    private final UsageRecorder recorder;
    private final DataSource dataSource;

    public UsageFlusher(UsageRecorder recorder, DataSource dataSource, VerifyMetrics metrics) {
        this.recorder = recorder;
        this.dataSource = dataSource;
        metrics.gauge(VerifyMetrics.USAGE_BACKLOG,
                "Finished-hour counts, failed-flush batches and retired cache entries waiting to be written",
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
        UsageRecorder.Drained batch = recorder.drain();
        if (batch.isEmpty()) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            // one statement per table, whatever the batch size: arrays unnested by PostgreSQL
            try (PreparedStatement counts = c.prepareStatement(
                    """
                            insert into key_usage_hourly (api_key_id, hour, outcome, count)
                            select * from unnest(?::bigint[], ?::timestamptz[], ?::varchar[], ?::bigint[])
                            on conflict (api_key_id, hour, outcome) do update set count = key_usage_hourly.count + excluded.count
                            """);
                    PreparedStatement used = c.prepareStatement("""
                            insert into key_last_used (api_key_id, at)
                            select u.id, u.at from unnest(?::bigint[], ?::timestamptz[]) as u(id, at)
                              join api_keys k on k.id = u.id
                            on conflict (api_key_id) do update set at = greatest(key_last_used.at, excluded.at)
                            """)) {
                int n = batch.counts().size();
                Long[] ids = new Long[n];
                Timestamp[] hours = new Timestamp[n];
                String[] outcomes = new String[n];
                Long[] values = new Long[n];
                for (int i = 0; i < n; i++) {
                    UsageRecorder.Count cnt = batch.counts().get(i);
                    ids[i] = cnt.keyPk();
                    hours[i] = Timestamp.from(Instant.ofEpochSecond(cnt.hourEpochSecond()));
                    outcomes[i] = cnt.code().name();
                    values[i] = cnt.count();
                }
                counts.setArray(1, c.createArrayOf("bigint", ids));
                counts.setArray(2, c.createArrayOf("timestamptz", hours));
                counts.setArray(3, c.createArrayOf("varchar", outcomes));
                counts.setArray(4, c.createArrayOf("bigint", values));
                counts.executeUpdate();
                int m = batch.lastUsed().size();
                Long[] keys = new Long[m];
                Timestamp[] ats = new Timestamp[m];
                int j = 0;
                for (var e : batch.lastUsed().entrySet()) {
                    keys[j] = e.getKey();
                    ats[j++] = Timestamp.from(Instant.ofEpochMilli(e.getValue()));
                }
                used.setArray(1, c.createArrayOf("bigint", keys));
                used.setArray(2, c.createArrayOf("timestamptz", ats));
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
