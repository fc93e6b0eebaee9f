package dev.latchkey.common.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Brings the schema up to the bundled Flyway migrations at start-up, and runs Flyway only when the database is behind.
 * One query of Flyway's history table tells whether every bundled migration is applied; Flyway itself (which reads and
 * checksums every migration, takes a lock and queries its table several times) runs only when one is not — a new
 * version's first replica, an empty database. Every other start skips that work (about 30 ms of a native start).
 * Replicas starting together on a database that is behind are safe: Flyway serialises them with PostgreSQL's advisory
 * lock, as {@code quarkus.flyway.migrate-at-start} did. A database newer than this build (a rolling upgrade's old
 * replica) is left alone, as Flyway leaves future migrations. This observer runs before every other start-up observer
 * (the resync, the metrics), and a database that cannot be reached fails the start, as before. The change listener
 * starts just before it, so that its own connection opens while this check runs (two new connections in parallel
 * instead of one after the other: about 15 ms of a native start); it reads no table until {@link #awaitCurrent}.
 */
@ApplicationScoped
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class);

    /** The version of the newest file under {@code db/migration} ({@code SchemaMigrationsTest} checks it). */
    public static final int LATEST = 17;

    /** Counted down once the schema is current: from then on the tables may be read. */
    private final CountDownLatch current = new CountDownLatch(1);

    void migrate(@Observes @Priority(1) StartupEvent start, @Writes DataSource dataSource, Instance<Flyway> flyway,
            Databases databases) throws SQLException {
        if (upToDate(dataSource)) {
            LOG.debugf("Schema at version %d or newer: no migration needed", LATEST);
        } else {
            Flyway configured = flyway.get(); // the default datasource's, with the migrations found at build time
            if (databases.split()) {
                // a standby cannot be migrated: the same migrations, applied through the primary
                configured = Flyway.configure(configured.getConfiguration().getClassLoader())
                        .configuration(configured.getConfiguration()).dataSource(dataSource).load();
            }
            configured.migrate();
        }
        current.countDown(); // not reached when the check or the migration throws: the start fails
    }

    /**
     * Waits until the start-up check found the schema current or brought it there. A failed migration fails the start
     * (the process ends), so a caller waits only as long as the start does.
     */
    public void awaitCurrent() throws InterruptedException {
        current.await();
    }

    /** True when every migration up to {@link #LATEST} is applied and none failed. */
    static boolean upToDate(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
                if (!r.next() || !r.getBoolean(1)) {
                    return false;
                }
            }
            // CASE, not FILTER: it guarantees the cast sees only numeric versions
            try (ResultSet r = s.executeQuery("select count(*) filter (where not success),"
                    + " max(case when success and version ~ '^[0-9]+$' then version::int end)"
                    + " from flyway_schema_history")) {
                return r.next() && r.getLong(1) == 0 && r.getInt(2) >= LATEST;
            }
        }
    }
}
