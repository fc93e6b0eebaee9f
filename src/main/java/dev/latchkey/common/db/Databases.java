package dev.latchkey.common.db;

import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agroal.api.AgroalDataSource;

/**
 * Where reads and writes go (README "Regions and failover"). A replica in a second region reads a nearby standby: its
 * default datasource ({@code QUARKUS_DATASOURCE_JDBC_URL}) points there, and the named datasource {@code writes}
 * ({@code QUARKUS_DATASOURCE_WRITES_JDBC_URL}, {@code _USERNAME}, {@code _PASSWORD}) at the primary. Without a
 * {@code writes} URL that datasource is inactive (Quarkus starts no pool for it) and {@link Writes} is the default
 * datasource: one database for everything, as before.
 */
@Singleton
public class Databases {

    private final boolean split;
    private final Instance<AgroalDataSource> reads;
    /** The writes pool; an inactive datasource may be injected as an Instance, only resolving it would fail. */
    private final Instance<AgroalDataSource> writes;

    public Databases(@ConfigProperty(name = "quarkus.datasource.writes.jdbc.url") Optional<String> writesUrl,
            Instance<AgroalDataSource> reads,
            @io.quarkus.agroal.DataSource("writes") Instance<AgroalDataSource> writes) {
        this.split = writesUrl.filter(u -> !u.isBlank()).isPresent();
        this.reads = reads;
        this.writes = writes;
    }

    /** Whether writes go to a database other than the one the hot path reads. */
    public boolean split() {
        return split;
    }

    @Produces
    @Writes
    @Singleton
    DataSource writes() {
        return split ? writes.get() : reads.get();
    }

    /**
     * The database this replica reads is now another server (a failover): the pools' connections to the old one are
     * dead, and each would fail one request before the pool dropped it. Idle ones are closed now, those in use when
     * they are returned; the next borrower gets a new connection, to whichever server the URL now leads.
     */
    public void serverChanged() {
        reads.get().flush(AgroalDataSource.FlushMode.GRACEFUL);
        if (split) {
            writes.get().flush(AgroalDataSource.FlushMode.GRACEFUL);
        }
    }
}
