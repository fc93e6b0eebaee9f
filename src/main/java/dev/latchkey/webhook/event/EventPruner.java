package dev.latchkey.webhook.event;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Db;
import dev.latchkey.config.LatchkeyConfig;

/**
 * Keeps the events outbox small (README, "Webhooks"): events older than {@code latchkey.webhooks.retention} (30 days)
 * go, with their deliveries, once none of those is still pending — a delivery still being retried is never cut short.
 * Hourly on every replica, in batches; replicas deleting at once delete each row once (the loser's delete finds
 * nothing).
 */
@ApplicationScoped
public class EventPruner {

    private static final Logger LOG = Logger.getLogger(EventPruner.class);
    static final int BATCH = 5_000;

    private final Db db;
    private final Clock clock;
    private final Duration retention;

    public EventPruner(Db db, Clock clock, LatchkeyConfig config) {
        this.db = db;
        this.clock = clock;
        this.retention = config.webhooks().retention();
    }

    @Scheduled(every = "${latchkey.webhooks.prune-interval:1H}", delayed = "1M", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.debugf("webhook events not pruned yet: %s", e.getMessage());
        }
    }

    /** Deletes what is past retention; returns how many events went. */
    public int prune() {
        int total = 0;
        int n;
        do {
            n = db.update("""
                    delete from webhook_events where id in (
                        select e.id from webhook_events e
                         where e.occurred_at < ?
                           and not exists (select 1 from webhook_deliveries d
                                            where d.event_id = e.id and d.status = 'pending')
                         limit ?)""", clock.instant().minus(retention), BATCH);
            total += n;
        } while (n == BATCH);
        return total;
    }
}
