package dev.latchkey.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * What each connection sees (README "Regions and failover"): whether the hot path reads a primary or a standby, how far
 * behind the primary that standby is, and whether the writes datasource reaches a primary. The change listener reports
 * the read side as it reads the feed. The write side is the same server unless a {@code writes} datasource is
 * configured; then it is asked every few seconds in the background, so that health never waits for a database.
 */
@Singleton
public class DatabaseRoles {

    public static final String REPLICATION_LAG = "latchkey.database.replication.lag.seconds";
    public static final String READS_STANDBY = "latchkey.database.reads.standby";

    /** A server's role, as {@code pg_is_in_recovery()} tells. */
    public enum Role {
        PRIMARY, STANDBY, UNREACHABLE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How far the standby's replay is behind, in seconds: 0 when it has replayed everything it received while
     * streaming; otherwise the age of the last transaction it replayed. Without a WAL receiver (the primary is gone or
     * unreachable) that age is taken too, so a standby cut off from its primary shows a growing lag instead of 0. On a
     * primary, 0.
     */
    private static final String LAG = """
            select pg_is_in_recovery(),
                   case when not pg_is_in_recovery() then 0
                        when exists (select 1 from pg_stat_wal_receiver)
                             and pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                        else coalesce(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
                   end::float8""";

    /** What one look at a server showed. */
    public record Seen(Role role, double lagSeconds) {
    }

    private final DataSource writes;
    private final boolean split;
    private volatile Role reads = Role.UNREACHABLE;
    private volatile Role writesRole = Role.UNREACHABLE;
    private volatile double lagSeconds;

    public DatabaseRoles(@Writes DataSource writes, Databases databases, MeterRegistry metrics) {
        this.writes = writes;
        this.split = databases.split();
        Gauge.builder(REPLICATION_LAG, () -> lagSeconds)
                .description("How far behind its primary the database the hot path reads is, as that database "
                        + "last told the change listener (0 on a primary)")
                .register(metrics);
        Gauge.builder(READS_STANDBY, () -> reads == Role.STANDBY ? 1 : 0)
                .description("1 when the hot path reads a standby (a regional replica)").register(metrics);
    }

    /** The role and replication lag of the server behind a connection. */
    public static Seen look(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LAG); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Seen(rs.getBoolean(1) ? Role.STANDBY : Role.PRIMARY, Math.max(0, rs.getDouble(2)));
        }
    }

    /** The change listener's last look at the database it reads. */
    public void readsSeen(Seen seen) {
        reads = seen.role();
        lagSeconds = seen.lagSeconds();
    }

    /** The change listener lost the database it reads. */
    public void readsLost() {
        reads = Role.UNREACHABLE;
    }

    /** The database the hot path reads, as last seen. */
    public Role reads() {
        return reads;
    }

    /** Its replication lag, as last seen. */
    public double lagSeconds() {
        return lagSeconds;
    }

    /**
     * What the writes datasource reaches: a primary, a standby (misconfigured, or a failover under way) or nothing; as
     * last seen (the read side's role when both are one database).
     */
    public Role writes() {
        return split ? writesRole : reads;
    }

    /** Asks the writes datasource, when it is another database (a few seconds apart, never on a request). */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void lookAtWrites() {
        if (!split) {
            return;
        }
        try (Connection c = writes.getConnection()) {
            writesRole = look(c).role();
        } catch (SQLException | RuntimeException e) {
            writesRole = Role.UNREACHABLE;
        }
    }
}
