package dev.latchkey.webhook.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;
import dev.latchkey.webhook.Endpoints;
import dev.latchkey.webhook.Endpoints.Endpoint;
import dev.latchkey.webhook.WebhookDtos.DeliveryView;

/**
 * The deliveries outbox (table webhook_deliveries): one row per event and endpoint, claimed by one replica at a time.
 * <p>
 * <b>One sender at a time.</b> {@link #claim} selects due rows {@code FOR UPDATE SKIP LOCKED} and, in the same
 * statement, moves their {@code next_attempt_at} a lease ahead and counts the attempt; a second replica's claim either
 * skips the locked rows or, after the first commits, no longer finds them due. So while the claimer lives, no other
 * replica sends the row; if it dies (kill -9) before it records the outcome, the row falls due again when the lease
 * ends and another replica sends it with the same {@code webhook-id}. At-least-once, duplicates only after a death.
 */
@Singleton
public class Deliveries {

    /** A claimed delivery: what to send, and the endpoint as the claim read it (where, and the sealed secrets). */
    public record Claimed(long id, String eventPublicId, String payload, int attempts, Instant createdAt,
            Endpoint endpoint) {
    }

    private static final String VIEW = "select d.id, e.public_id as event_id, e.type, d.status, d.attempts,"
            + " d.response_status, d.latency_ms, d.response_body, d.error, d.created_at, d.last_attempt_at,"
            + " d.next_attempt_at, d.delivered_at from webhook_deliveries d join webhook_events e on e.id = d.event_id";

    private final Db db;

    public Deliveries(Db db) {
        this.db = db;
    }

    private static DeliveryView view(ResultSet rs) throws SQLException {
        return new DeliveryView(String.valueOf(rs.getLong("id")), rs.getString("event_id"), rs.getString("type"),
                rs.getString("status"), rs.getInt("attempts"), Db.integer(rs, "response_status"),
                Db.integer(rs, "latency_ms"), rs.getString("response_body"), rs.getString("error"),
                Db.instant(rs, "created_at"), Db.instant(rs, "last_attempt_at"), Db.instant(rs, "next_attempt_at"),
                Db.instant(rs, "delivered_at"));
    }

    /** An endpoint's deliveries, newest first. */
    public Page<DeliveryView> page(long endpointId, String limit, String cursor) {
        return Keyset.byId(db, "select * from (" + VIEW + " where d.endpoint_id = ?) d where true",
                Keyset.params(endpointId), Deliveries::view, limit, cursor, v -> Long.parseLong(v.id()),
                Keyset.Order.NEWEST_FIRST);
    }

    /** One delivery of the endpoint. */
    public Optional<DeliveryView> find(long endpointId, long deliveryId) {
        return db.first(VIEW + " where d.endpoint_id = ? and d.id = ?", Deliveries::view, endpointId, deliveryId);
    }

    /**
     * A new delivery of the same event to the same endpoint (same {@code webhook-id}): due now, or parked while the
     * endpoint is disabled.
     */
    public DeliveryView redeliver(long endpointId, long deliveryId, Instant now, boolean parked) {
        long id = db.insert("insert into webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)"
                + " select event_id, endpoint_id, ?, ? from webhook_deliveries where endpoint_id = ? and id = ?",
                parked ? null : now, now, endpointId, deliveryId);
        return find(endpointId, id).orElseThrow();
    }

    /** Inserts one pending delivery per endpoint for an event row, due now. */
    public void enqueue(long eventId, List<Long> endpointIds, Instant now) {
        db.update("insert into webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)"
                + " select ?, unnest(?::bigint[]), ?, ?", eventId, Db.ids(endpointIds), now, now);
    }

    /**
     * Claims up to {@code max} due deliveries of enabled endpoints for this replica: each is moved a lease ahead and
     * counted as attempted, in one statement (see the class comment), which also returns its endpoint. The due rows are
     * found in the order of the partial index on {@code next_attempt_at}; a disabled endpoint's pending rows are parked
     * ({@code next_attempt_at} null, {@link #park}) so that no claim walks past them.
     */
    public List<Claimed> claim(Instant now, Instant leaseEnd, int max) {
        return db.list("""
                with due as (
                    select id from webhook_deliveries
                     where status = 'pending' and next_attempt_at <= ?
                       and endpoint_id in (select id from webhook_endpoints where enabled)
                     order by next_attempt_at
                     limit ?
                     for update skip locked)
                update webhook_deliveries d
                   set next_attempt_at = ?, attempts = d.attempts + 1, last_attempt_at = ?
                  from due, webhook_events e, webhook_endpoints w
                 where d.id = due.id and e.id = d.event_id and w.id = d.endpoint_id
                returning d.id as delivery_id, e.public_id as event_public_id, e.payload, d.attempts,
                          d.created_at as delivery_created_at, w.*""",
                rs -> new Claimed(rs.getLong("delivery_id"), rs.getString("event_public_id"), rs.getString("payload"),
                        rs.getInt("attempts"), Db.instant(rs, "delivery_created_at"), Endpoints.read(rs)),
                now, max, leaseEnd, now);
    }

    /** A disabled endpoint's pending deliveries wait unclaimable; enabled again, they are due now. */
    public void park(long endpointId, boolean parked, Instant now) {
        if (parked) {
            db.update(
                    "update webhook_deliveries set next_attempt_at = null where endpoint_id = ? and status = 'pending'",
                    endpointId);
        } else {
            db.update("update webhook_deliveries set next_attempt_at = ? where endpoint_id = ? and status = 'pending'"
                    + " and next_attempt_at is null", now, endpointId);
        }
    }

    /** A delivery that was answered 2xx, to be recorded with others. */
    public record Delivered(long id, long endpointId, boolean endpointFailing, int status, int latencyMs, String body) {
    }

    /**
     * Deliveries answered 2xx, recorded in one statement (and the endpoints they clear of {@code failing} in one more),
     * delivered at {@code now}.
     */
    public void delivered(List<Delivered> batch, Instant now) {
        if (batch.isEmpty()) {
            return;
        }
        db.update("""
                update webhook_deliveries d
                   set status = 'delivered', response_status = u.status::int, latency_ms = u.latency::int,
                       response_body = u.body, error = null, delivered_at = ?, next_attempt_at = null
                  from unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) as u(id, status, latency, body)
                 where d.id = u.id""", now, Db.ids(batch.stream().map(Delivered::id).toList()),
                Db.ids(batch.stream().map(x -> (long) x.status()).toList()),
                Db.ids(batch.stream().map(x -> (long) x.latencyMs()).toList()),
                batch.stream().map(Delivered::body).toArray(String[]::new));
        List<Long> cleared = batch.stream().filter(Delivered::endpointFailing).map(Delivered::endpointId).distinct()
                .toList();
        if (!cleared.isEmpty()) {
            db.update("update webhook_endpoints set failing_since = null where id = any(?)", Db.ids(cleared));
        }
    }

    /**
     * A delivery that failed: tried again at {@code next}, or given up ({@code next} null, status {@code failed}).
     * Returns whether the row was still pending (another outcome may have been recorded by a replica that sent it after
     * a lease ran out).
     */
    public boolean failed(long id, Integer status, int latencyMs, String body, String error, Instant next) {
        return db.update(
                "update webhook_deliveries set status = ?, response_status = ?, latency_ms = ?,"
                        + " response_body = ?, error = ?, next_attempt_at = ? where id = ? and status = 'pending'",
                next == null ? "failed" : "pending", status, latencyMs, body, error, next, id) == 1;
    }
}
