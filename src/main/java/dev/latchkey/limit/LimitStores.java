package dev.latchkey.limit;

import java.time.Clock;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.MemoryLimitStore;
import dev.latchkey.limit.store.RedisLimitStore;
import dev.latchkey.limit.store.RedisLink;

/**
 * Which store holds the counters: Redis when {@code latchkey.redis.url} is set (shared by all replicas), else this
 * replica's memory (exact for a single replica). The memory store is also the rate limits' fallback while Redis is
 * unreachable.
 */
@Singleton
public class LimitStores {

    private static final Logger LOG = Logger.getLogger(LimitStores.class);

    private final RedisLink link;
    private final LimitStore primary;
    private final MemoryLimitStore fallback;
    private final double leaseFraction;
    private final BooleanSupplier up;

    /** Stores given directly (tests: several limiters sharing one store, as replicas share Redis). */
    public LimitStores(LimitStore primary, MemoryLimitStore fallback, BooleanSupplier up, double leaseFraction) {
        this.link = null;
        this.primary = primary;
        this.fallback = fallback;
        this.up = up;
        this.leaseFraction = leaseFraction;
    }

    @Inject
    public LimitStores(LatchkeyConfig config, Vertx vertx, Clock clock, MeterRegistry registry) {
        this.fallback = new MemoryLimitStore(clock);
        this.leaseFraction = config.limits().leaseFraction();
        if (!(leaseFraction > 0 && leaseFraction <= 1)) {
            throw new IllegalArgumentException("latchkey.limits.lease-fraction must be in (0, 1]");
        }
        String url = config.redis().url().map(String::trim).filter(u -> !u.isEmpty()).orElse(null);
        if (url == null) {
            this.link = null;
            this.up = () -> true;
            this.primary = fallback;
            LOG.info("Rate limits and quotas in memory (latchkey.redis.url not set): exact for this one replica");
        } else {
            this.link = new RedisLink(vertx, url, config.redis().timeout(), config.redis().probeInterval(), registry);
            this.primary = new RedisLimitStore(link, config.limits().quotaCounterTtl());
            this.up = this.link::up;
        }
    }

    /** The store of record: Redis, or memory in the embedded mode. */
    public LimitStore primary() {
        return primary;
    }

    /** This replica's memory (rate limits while Redis is unreachable). */
    public LimitStore fallback() {
        return fallback;
    }

    /** Whether counters are shared through Redis. */
    public boolean shared() {
        return primary != fallback;
    }

    /** Whether the store of record can be used now (always in the embedded mode). */
    public boolean sharedUp() {
        return up.getAsBoolean();
    }

    double leaseFraction() {
        return leaseFraction;
    }

    @PreDestroy
    void close() {
        if (link != null) {
            link.close();
        }
    }
}
