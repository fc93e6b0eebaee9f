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

    /** A claimed delivery: what to send where. */
    public record Claimed(long id, long endpointId, String eventPublicId, String payload, int attempts,
            Instant createdAt) {
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

    /** A new delivery of the same event to the same endpoint, due now (same {@code webhook-id}). */
    public DeliveryView redeliver(long endpointId, long deliveryId, Instant now) {
        long id = db.insert("insert into webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)"
                + " select event_id, endpoint_id, ?, ? from webhook_deliveries where endpoint_id = ? and id = ?", now,
                now, endpointId, deliveryId);
        return find(endpointId, id).orElseThrow();
    }

    /** Inserts one pending delivery per endpoint for an event row, due now. */
    public void enqueue(long eventId, List<Long> endpointIds, Instant now) {
        db.update("insert into webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)"
                + " select ?, unnest(?::bigint[]), ?, ?", eventId, Db.ids(endpointIds), now, now);
    }

    /**
     * Claims up to {@code max} due deliveries of enabled endpoints for this replica: each is moved a lease ahead and
     * counted as attempted, in one statement (see the class comment).
     */
    public List<Claimed> claim(Instant now, Instant leaseEnd, int max) {
        return db.list("""
                with due as (
                    select d.id from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
                     where d.status = 'pending' and d.next_attempt_at <= ? and w.enabled
                     order by d.next_attempt_at
                     limit ?
                     for update of d skip locked)
                update webhook_deliveries d
                   set next_attempt_at = ?, attempts = d.attempts + 1, last_attempt_at = ?
                  from due, webhook_events e
                 where d.id = due.id and e.id = d.event_id
                returning d.id, d.endpoint_id, e.public_id, e.payload, d.attempts, d.created_at""",
                rs -> new Claimed(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        Db.instant(rs, "created_at")),
                now, max, leaseEnd, now);
    }

    /** A delivery answered 2xx. */
    public void delivered(long id, int status, int latencyMs, String body, Instant now) {
        db.update(
                "update webhook_deliveries set status = 'delivered', response_status = ?, latency_ms = ?,"
                        + " response_body = ?, error = null, delivered_at = ?, next_attempt_at = null where id = ?",
                status, latencyMs, body, now, id);
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
