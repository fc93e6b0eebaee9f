package dev.latchkey.changefeed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Writes;
import dev.latchkey.config.LatchkeyConfig;

/**
 * Deletes outbox rows older than the retention, and only from transactions that every snapshot already sees as
 * finished. In the same statement it raises the high-water mark {@code key_invalidations_pruned.through_txid} to the
 * highest txid it deleted: a replica whose feed horizon is at or below that mark may have missed a deleted row, notices
 * it on its next read ({@link ChangeFeed#missedPrunedRows}) and reloads its cache. A replica that keeps reading never
 * gets there: its horizon passes the rows long before they are old enough to prune.
 */
@ApplicationScoped
public class OutboxPruner {

    private static final Logger LOG = Logger.getLogger(OutboxPruner.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final LatchkeyConfig config;

    public OutboxPruner(@Writes DataSource dataSource, Clock clock, LatchkeyConfig config) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m")
    void scheduled() {
        try {
            prune();
        } catch (SQLException e) {
            LOG.debugf("outbox pruning deferred: %s", e.getMessage());
        }
    }

    /** Prunes once; returns the number of rows deleted. */
    public int prune() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                with gone as (delete from key_invalidations
                               where created_at < ? and txid < pg_snapshot_xmin(pg_current_snapshot())
                           returning txid),
                     mark as (update key_invalidations_pruned
                                 set through_txid = greatest(through_txid, (select max(txid) from gone))
                               where id = 1 and exists (select 1 from gone))
                select count(*) from gone
                """)) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(config.verify().outboxRetention())));
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
