package dev.latchkey.webhook.event;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyQueries;
import dev.latchkey.apikey.format.KeyGenerator;
import dev.latchkey.audit.Audited;
import dev.latchkey.common.db.Db;
import dev.latchkey.security.Caller;
import dev.latchkey.tenant.Organization;
import dev.latchkey.tenant.Organizations;
import dev.latchkey.webhook.Endpoints;
import dev.latchkey.webhook.EventType;
import dev.latchkey.webhook.delivery.Deliveries;
import dev.latchkey.webhook.delivery.DeliveriesDue;

/**
 * The events outbox (README, "Webhooks"). An event is written in the transaction of the change that causes it: every
 * audited action that is an event type ({@link Audited}, fired by the audit log inside that transaction) becomes one
 * row in {@code webhook_events} and one pending delivery per enabled endpoint of the organization that wants the type.
 * So an event exists exactly when its change committed. No endpoint wants it: nothing is written.
 * <p>
 * Events that time or the hot path cause ({@code key.expiring}, {@code key.expired}, {@code quota.*}) are written by
 * {@link #writeOnce} with a dedupe key that the table holds unique: replicas that race to write the same one write it
 * once, and the loser learns it wrote nothing.
 * <p>
 * Payload: {@code {id, type, timestamp, organization: {id, name}, actor: {type, id, name}, data}}, where {@code data}
 * holds the key as the API shows it (never a secret or a hash) and what the audit record says of the change.
 */
@ApplicationScoped
public class EventWriter {

    /** Who caused an event. */
    public record Actor(String type, String id, String name) {
        /** Latchkey itself: events of time and usage. */
        public static final Actor LATCHKEY = new Actor(Caller.External.LATCHKEY.actorType(),
                Caller.External.LATCHKEY.actorId(), Caller.External.LATCHKEY.actorName());
    }

    private final Endpoints endpoints;
    private final Deliveries deliveries;
    private final KeyQueries keys;
    private final Organizations organizations;
    private final ObjectMapper json;
    private final Clock clock;
    private final Db db;
    private final Event<DeliveriesDue> due;
    private final KeyGenerator ids;

    public EventWriter(Endpoints endpoints, Deliveries deliveries, KeyQueries keys, Organizations organizations,
            ObjectMapper json, Clock clock, Db db, Event<DeliveriesDue> due, KeyGenerator ids) {
        this.ids = ids;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.keys = keys;
        this.organizations = organizations;
        this.json = json;
        this.clock = clock;
        this.db = db;
        this.due = due;
    }

    /** An audited change that is an event type: written with it. */
    void onAudited(@Observes Audited a) {
        Optional<EventType> type = EventType.fromWire(a.action());
        if (type.isEmpty()) {
            return;
        }
        List<Long> wanted = endpoints.subscribed(a.organizationId(), type.get().wire());
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if ("key".equals(a.targetType())) {
            keys.viewForEvent(a.organizationId(), a.targetId()).ifPresent(k -> data.put("key", k));
        } else if ("member".equals(a.targetType())) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("subject", a.targetId());
            member.put("orgRole", a.details().get("orgRole"));
            data.put("member", member);
        }
        if (!a.details().isEmpty() && !"member".equals(a.targetType())) {
            data.put("details", a.details());
        }
        insert(a.organizationId(), type.get(), a.at(), new Actor(a.actorType(), a.actorId(), a.actorName()), data, null,
                wanted);
    }

    /**
     * Writes an event of time or usage once across replicas (dedupe key unique), with the key's view added to
     * {@code data}; returns whether this call wrote it. Nothing is written when no endpoint wants the type.
     */
    @Transactional
    public boolean writeOnce(long orgId, EventType type, String keyId, Map<String, Object> data, String dedupe) {
        List<Long> wanted = endpoints.subscribed(orgId, type.wire());
        if (wanted.isEmpty() || db.count("select count(*) from webhook_events where dedupe = ?", dedupe) > 0) {
            return false;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        Optional<KeyView> key = keys.viewForEvent(orgId, keyId);
        if (key.isEmpty()) {
            return false;
        }
        d.put("key", key.get());
        d.putAll(data);
        return insert(orgId, type, clock.instant(), Actor.LATCHKEY, d, dedupe, wanted);
    }

    private boolean insert(long orgId, EventType type, Instant at, Actor actor, Map<String, Object> data, String dedupe,
            List<Long> wanted) {
        Organization org = organizations.findById(orgId);
        String id = newId();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", id);
        payload.put("type", type.wire());
        payload.put("timestamp", at.toString());
        payload.put("organization", Map.of("id", org.slug, "name", org.name));
        payload.put("actor", Map.of("type", actor.type(), "id", actor.id(), "name", actor.name()));
        payload.put("data", data);
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not writable as JSON", e);
        }
        List<Long> rows = db.list(
                "insert into webhook_events (public_id, organization_id, type, occurred_at, payload,"
                        + " dedupe) values (?, ?, ?, ?, ?, ?) on conflict (dedupe) do nothing returning id",
                rs -> rs.getLong(1), id, orgId, type.wire(), at, body, dedupe);
        if (rows.isEmpty()) {
            return false;
        }
        deliveries.enqueue(rows.get(0), wanted, clock.instant());
        due.fire(new DeliveriesDue());
        return true;
    }

    /** An event id: {@code msg_} and 24 random characters (the {@code webhook-id} of every delivery of it). */
    private String newId() {
        return "msg_" + ids.randomBase62(24);
    }
}
