package dev.latchkey.webhook.event;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.common.db.Db;
import dev.latchkey.limit.QuotaFlushed;
import dev.latchkey.webhook.EventType;

/**
 * {@code quota.low} (10 % or less left) and {@code quota.exhausted} (none left), once per refill period (README,
 * "Webhooks"). Decided from the durable count after each replica's quota flush (never on the hot path): the count only
 * falls within a period, so the first flush that leaves it at or under the mark, on whichever replica, writes the
 * event, and the dedupe key (key, quota generation, refill period) keeps the others from writing it again. The event
 * follows the spend by at most one flush interval. A small local memory of what was written spares the database the
 * repeated asks of a key that stays low.
 */
@ApplicationScoped
public class QuotaEvents {

    private static final Logger LOG = Logger.getLogger(QuotaEvents.class);

    private record Key(long orgId, String keyId) {
    }

    private final EventWriter writer;
    private final Db db;
    // a refill period is at most a month; what was written is forgotten after a day (then asked of the database again)
    private final Cache<String, Boolean> written = CaffeineShapes
            .sizedExpiringAfterWrite(10_000, java.time.Duration.ofDays(1)).build();

    public QuotaEvents(EventWriter writer, Db db) {
        this.writer = writer;
        this.db = db;
    }

    void onFlushed(@Observes QuotaFlushed f) {
        if (f.size() <= 0 || f.remaining() * 10 > f.size()) {
            return;
        }
        // a flush that empties the quota at once announces both: it was low, and now it is gone
        for (EventType type : f.remaining() <= 0 ? new EventType[] { EventType.QUOTA_LOW, EventType.QUOTA_EXHAUSTED }
                : new EventType[] { EventType.QUOTA_LOW }) {
            String dedupe = type.wire() + ":" + f.keyPk() + ":" + f.generation() + ":" + f.refillIndex();
            if (written.getIfPresent(dedupe) != null) {
                continue;
            }
            try {
                Optional<Key> key = db.first("select organization_id, key_id from api_keys where id = ?",
                        rs -> new Key(rs.getLong(1), rs.getString(2)), f.keyPk());
                if (key.isPresent()) {
                    writer.writeOnce(key.get().orgId(), type, key.get().keyId(),
                            Map.of("quota", Map.of("remaining", Math.max(0, f.remaining()), "size", f.size())), dedupe);
                }
                written.put(dedupe, Boolean.TRUE);
            } catch (RuntimeException e) {
                LOG.debugf("quota event deferred: %s", e.getMessage());
            }
        }
    }
}
