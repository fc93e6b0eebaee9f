package dev.latchkey.webhook.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Db;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.webhook.EventType;

/**
 * {@code key.expiring} and {@code key.expired} (README, "Webhooks"): every replica looks, each
 * {@code latchkey.webhooks.expiry-scan-interval}, for live keys of organizations that want these events whose expiry is
 * near or past, and writes each event with a dedupe key ({@link EventWriter#writeOnce}), so however many replicas look,
 * each event is written once. A key gets one {@code key.expiring} per lead time (default 7 days and 1 day), the nearest
 * that applies when it is found (a key made to expire in 20 hours gets the 1-day one only), and one
 * {@code key.expired}; a new expiry date is a new expiry and is announced again. Expiries more than a day past are not
 * announced (an endpoint created today does not hear of last month's).
 */
@ApplicationScoped
public class ExpiryEvents {

    private static final Logger LOG = Logger.getLogger(ExpiryEvents.class);
    static final Duration EXPIRED_LOOKBACK = Duration.ofDays(1);

    private record Due(long orgId, String keyId, Instant expiresAt) {
    }

    private final Db db;
    private final EventWriter writer;
    private final Clock clock;
    private final List<Duration> leads;

    public ExpiryEvents(Db db, EventWriter writer, Clock clock, LatchkeyConfig config) {
        this.db = db;
        this.writer = writer;
        this.clock = clock;
        this.leads = config.webhooks().expiringLeadTimes().stream().sorted(Comparator.naturalOrder()).toList();
    }

    @Scheduled(every = "${latchkey.webhooks.expiry-scan-interval:60S}", delayed = "5S", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.debugf("expiry scan deferred: %s", e.getMessage());
        }
    }

    /** One look; returns how many events this call wrote. */
    public int scan() {
        Instant now = clock.instant();
        int written = 0;
        if (!leads.isEmpty()) {
            Duration longest = leads.get(leads.size() - 1);
            for (Due d : due(EventType.KEY_EXPIRING, now, now.plus(longest))) {
                Duration left = Duration.between(now, d.expiresAt());
                Duration lead = leads.stream().filter(l -> left.compareTo(l) <= 0).findFirst().orElse(longest);
                if (writer.writeOnce(d.orgId(), EventType.KEY_EXPIRING, d.keyId(),
                        Map.of("expiresAt", d.expiresAt().toString(), "leadTime", lead.toString()),
                        "key.expiring:" + d.keyId() + ":" + lead.toSeconds() + ":" + d.expiresAt().toEpochMilli())) {
                    written++;
                }
            }
        }
        for (Due d : due(EventType.KEY_EXPIRED, now.minus(EXPIRED_LOOKBACK), now)) {
            if (!d.expiresAt().isAfter(now) && writer.writeOnce(d.orgId(), EventType.KEY_EXPIRED, d.keyId(),
                    Map.of("expiresAt", d.expiresAt().toString()),
                    "key.expired:" + d.keyId() + ":" + d.expiresAt().toEpochMilli())) {
                written++;
            }
        }
        return written;
    }

    /** Live keys expiring in {@code (from, to]} of organizations with an enabled endpoint that wants {@code type}. */
    private List<Due> due(EventType type, Instant from, Instant to) {
        return db.list("""
                select k.organization_id, k.key_id, k.expires_at from api_keys k
                 where k.expires_at > ? and k.expires_at <= ? and k.revoked_at is null and k.deleted_at is null
                   and k.expires_at is not null
                   and k.organization_id in (select organization_id from webhook_endpoints
                                              where enabled and ? = any(events))
                 order by k.expires_at""", rs -> new Due(rs.getLong(1), rs.getString(2), Db.instant(rs, "expires_at")),
                from, to, type.wire());
    }
}
