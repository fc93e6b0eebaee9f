package dev.latchkey.keycache;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.Wellness;

import dev.latchkey.common.db.DatabaseRoles;

/**
 * Health. Readiness is "the key cache has been warmed from the database once": a later database outage does not make a
 * warmed replica unready (it keeps serving known keys, and Kubernetes must not pull every replica at once). The
 * database's own state is a separate wellness check, visible under {@code /q/health} and as the
 * {@code latchkey_database_up} metric.
 */
public final class CacheHealth {

    private CacheHealth() {
    }

    /** Ready once warmed. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final KeyCache cache;

        public Ready(KeyCache cache) {
            this.cache = cache;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("key-cache").status(cache.warmed()).withData("keys", cache.size()).build();
        }
    }

    /**
     * The database as the invalidation listener last saw it, and what each connection reaches: {@code reads} (the
     * database the hot path reads, a standby on a regional replica) with its replication lag, and {@code writes} (as
     * last seen, never asked on this call: {@code primary}, or {@code standby}/{@code unreachable} during a failover).
     */
    @Wellness
    @ApplicationScoped
    public static class Database implements HealthCheck {
        private final KeyCache cache;
        private final DatabaseRoles roles;

        public Database(KeyCache cache, DatabaseRoles roles) {
            this.cache = cache;
            this.roles = roles;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("database").status(cache.databaseUp())
                    .withData("cacheStalenessSeconds", cache.staleness().toSeconds())
                    .withData("reads", roles.reads().label())
                    .withData("replicationLagSeconds", String.format(java.util.Locale.ROOT, "%.3f", roles.lagSeconds()))
                    .withData("writes", roles.writes().label()).build();
        }
    }
}
