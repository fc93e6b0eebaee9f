package dev.latchkey.limit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.health.api.Wellness;

/**
 * The shared store as a wellness check (like the database: visible under {@code /q/health}, never a reason to pull a
 * replica out of service): DOWN while Redis is unreachable, with {@code mode} {@code redis} or {@code memory} and what
 * degraded mode means. Also registers {@code latchkey_quota_flush_backlog} (units spent here, not yet written).
 */
@Wellness
@ApplicationScoped
public class LimitHealth implements HealthCheck {

    private final LimitStores stores;

    public LimitHealth(LimitStores stores, Quotas quotas, MeterRegistry registry) {
        this.stores = stores;
        Gauge.builder("latchkey.quota.flush.backlog", quotas, Quotas::backlog)
                .description("Quota units spent on this replica and not yet written to the database")
                .register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = stores.sharedUp();
        var r = HealthCheckResponse.named("limits").status(up).withData("mode", stores.shared() ? "redis" : "memory");
        if (!up) {
            r.withData("degraded", "rate limits per replica; keys with a quota answer UNAVAILABLE");
        }
        return r.build();
    }
}
