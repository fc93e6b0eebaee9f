package dev.latchkey.apikey;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.db.Writes;
import dev.latchkey.limit.QuotaRepository;

/**
 * Writes a key's quota count when an admin sets it, in the management transaction (the pool's connection is enlisted in
 * it), after the key's row. The count starts a new generation, so units still being flushed for the old setting are
 * dropped rather than subtracted from the new one; the first refill is at the next boundary.
 */
@ApplicationScoped
class KeyQuotas {

    private final DataSource dataSource;
    private final QuotaRepository repository;
    private final Clock clock;

    KeyQuotas(@Writes DataSource dataSource, QuotaRepository repository, Clock clock) {
        this.dataSource = dataSource;
        this.repository = repository;
        this.clock = clock;
    }

    void write(ApiKey k, KeyRules.Quota quota) {
        try (Connection c = dataSource.getConnection()) {
            if (quota == null) {
                repository.remove(c, k.id);
            } else {
                long index = quota.refill() == null ? 0 : quota.refill().index(clock.millis());
                // its size, for quota.low (README, "Webhooks"): the refill amount, or what it was set to
                long size = quota.refill() == null ? quota.remaining() : quota.refill().amount();
                repository.set(c, k.id, k.quotaGeneration, quota.remaining(), index, size);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the key's quota", e);
        }
    }
}
