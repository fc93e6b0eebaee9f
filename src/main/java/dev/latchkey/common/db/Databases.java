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

    public Databases(@ConfigProperty(name = "quarkus.datasource.writes.jdbc.url") Optional<String> writesUrl) {
        this.split = writesUrl.filter(u -> !u.isBlank()).isPresent();
    }

    /** Whether writes go to a database other than the one the hot path reads. */
    public boolean split() {
        return split;
    }

    @Produces
    @Writes
    @Singleton
    DataSource writes(DataSource reads, @io.quarkus.agroal.DataSource("writes") Instance<AgroalDataSource> named) {
        // an inactive datasource may be injected as an Instance; only resolving it would fail
        return split ? named.get() : reads;
    }
}
