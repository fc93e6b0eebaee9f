package dev.latchkey.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.Page;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ApiException;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.webhook.Endpoints.Endpoint;
import dev.latchkey.webhook.WebhookDtos.CreateWebhook;
import dev.latchkey.webhook.WebhookDtos.DeliveryView;
import dev.latchkey.webhook.WebhookDtos.UpdateWebhook;
import dev.latchkey.webhook.WebhookDtos.WebhookView;
import dev.latchkey.webhook.WebhookDtos.WebhookWithSecret;
import dev.latchkey.webhook.delivery.Deliveries;
import dev.latchkey.webhook.delivery.DeliveriesDue;

/**
 * Webhook endpoints (README, "Webhooks"): owners and admins of the organization manage them; keys, admin keys included,
 * cannot. Every change is audited ({@code webhook.*}).
 */
@ApplicationScoped
@Transactional
public class WebhookService {

    /** Endpoints one organization may have. */
    static final int MAX_ENDPOINTS = 20;

    private final OrgAccess access;
    private final AuditLog audit;
    private final Clock clock;
    private final Bodies bodies;
    private final Endpoints endpoints;
    private final Deliveries deliveries;
    private final SigningSecrets secrets;
    private final UrlPolicy urls;
    private final LatchkeyConfig config;
    private final Event<DeliveriesDue> due;

    public WebhookService(OrgAccess access, AuditLog audit, Clock clock, Bodies bodies, Endpoints endpoints,
            Deliveries deliveries, SigningSecrets secrets, UrlPolicy urls, LatchkeyConfig config,
            Event<DeliveriesDue> due) {
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.bodies = bodies;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.urls = urls;
        this.config = config;
        this.due = due;
    }

    private OrgContext manager(String orgSlug) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        return ctx;
    }

    public Page<WebhookView> list(String orgSlug, String limit, String cursor) {
        OrgContext ctx = manager(orgSlug);
        Instant now = clock.instant();
        return endpoints.page(ctx.orgId(), limit, cursor).map(e -> WebhookView.from(e, now));
    }

    public WebhookWithSecret create(String orgSlug, JsonNode body) {
        OrgContext ctx = manager(orgSlug);
        CreateWebhook request = bodies.read(body, CreateWebhook.class);
        String url = checkedUrl(request.url());
        List<String> events = checkedEvents(request.events());
        if (endpoints.count(ctx.orgId()) >= MAX_ENDPOINTS) {
            throw ApiException.conflict("An organization has at most " + MAX_ENDPOINTS + " webhook endpoints");
        }
        Instant now = clock.instant();
        String secret = secrets.generate();
        Endpoint e = new Endpoint(0, endpoints.newPublicId(), ctx.orgId(), url, blankToNull(request.description()),
                events, request.enabled() == null || request.enabled(), secrets.seal(secret), null, null, null, now,
                now);
        long id = endpoints.insert(e);
        audit.record(ctx.orgId(), "webhook.created", "webhook", e.publicId(), url, Map.of("events", events));
        return new WebhookWithSecret(WebhookView.from(withId(e, id), now), secret);
    }

    public WebhookView get(String orgSlug, String id) {
        OrgContext ctx = manager(orgSlug);
        return WebhookView.from(find(ctx, id), clock.instant());
    }

    public WebhookView update(String orgSlug, String id, JsonNode body) {
        OrgContext ctx = manager(orgSlug);
        UpdateWebhook request = bodies.read(body, UpdateWebhook.class);
        Endpoint e = endpoints.findForUpdate(ctx.orgId(), id).orElseThrow(() -> ApiException.notFound("Webhook"));
        Map<String, Object> changes = new LinkedHashMap<>();
        String url = e.url();
        if (request.url() != null && !request.url().equals(url)) {
            url = checkedUrl(request.url());
            changes.put("url", Map.of("from", e.url(), "to", url));
        }
        List<String> events = e.events();
        if (request.events() != null) {
            List<String> wanted = checkedEvents(request.events());
            if (!wanted.equals(events)) {
                changes.put("events", Map.of("from", events, "to", wanted));
                events = wanted;
            }
        }
        boolean enabled = request.enabled() == null ? e.enabled() : request.enabled();
        if (enabled != e.enabled()) {
            changes.put("enabled", Map.of("from", e.enabled(), "to", enabled));
        }
        String description = body.has("description") ? blankToNull(request.description()) : e.description();
        if (!java.util.Objects.equals(description, e.description())) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("from", e.description());
            d.put("to", description);
            changes.put("description", d);
        }
        if (changes.isEmpty()) {
            return WebhookView.from(e, clock.instant());
        }
        Instant now = clock.instant();
        // a new address or a re-enabled endpoint starts afresh: it is no longer marked failing
        Instant failing = changes.containsKey("url") || (enabled && !e.enabled()) ? null : e.failingSince();
        Endpoint after = new Endpoint(e.id(), e.publicId(), e.organizationId(), url, description, events, enabled,
                e.secret(), e.previousSecret(), e.previousSecretUntil(), failing, e.createdAt(), now);
        endpoints.update(after);
        audit.record(ctx.orgId(), "webhook.updated", "webhook", e.publicId(), url, changes);
        if (enabled != e.enabled()) {
            deliveries.park(e.id(), !enabled, now);
        }
        if (enabled && !e.enabled()) {
            due.fire(new DeliveriesDue());
        }
        return WebhookView.from(after, now);
    }

    public void delete(String orgSlug, String id) {
        OrgContext ctx = manager(orgSlug);
        Endpoint e = endpoints.findForUpdate(ctx.orgId(), id).orElseThrow(() -> ApiException.notFound("Webhook"));
        endpoints.delete(e.id());
        audit.record(ctx.orgId(), "webhook.deleted", "webhook", e.publicId(), e.url(), null);
    }

    /**
     * A new signing secret; the one before keeps signing too (both signatures are sent) for
     * {@code latchkey.webhooks.secret-overlap}, so receivers can switch without losing a message.
     */
    public WebhookWithSecret rotateSecret(String orgSlug, String id) {
        OrgContext ctx = manager(orgSlug);
        Endpoint e = endpoints.findForUpdate(ctx.orgId(), id).orElseThrow(() -> ApiException.notFound("Webhook"));
        Instant now = clock.instant();
        Instant until = now.plus(config.webhooks().secretOverlap());
        String secret = secrets.generate();
        Endpoint after = new Endpoint(e.id(), e.publicId(), e.organizationId(), e.url(), e.description(), e.events(),
                e.enabled(), secrets.seal(secret), e.secret(), until, e.failingSince(), e.createdAt(), now);
        endpoints.update(after);
        audit.record(ctx.orgId(), "webhook.secret_rotated", "webhook", e.publicId(), e.url(),
                Map.of("previousSecretUntil", until.toString()));
        return new WebhookWithSecret(WebhookView.from(after, now), secret);
    }

    public Page<DeliveryView> deliveries(String orgSlug, String id, String limit, String cursor) {
        OrgContext ctx = manager(orgSlug);
        return deliveries.page(find(ctx, id).id(), limit, cursor);
    }

    /** Sends a delivery's event again (a new delivery, the same {@code webhook-id}), due now. */
    public DeliveryView redeliver(String orgSlug, String id, String deliveryId) {
        OrgContext ctx = manager(orgSlug);
        Endpoint e = find(ctx, id);
        long d = parseDeliveryId(deliveryId);
        DeliveryView original = deliveries.find(e.id(), d).orElseThrow(() -> ApiException.notFound("Delivery"));
        DeliveryView again = deliveries.redeliver(e.id(), d, clock.instant(), !e.enabled());
        audit.record(ctx.orgId(), "webhook.redelivered", "webhook", e.publicId(), e.url(),
                Map.of("event", original.eventId(), "delivery", again.id()));
        due.fire(new DeliveriesDue());
        return again;
    }

    private static long parseDeliveryId(String id) {
        if (id == null || !id.matches("[1-9][0-9]{0,17}")) {
            throw ApiException.notFound("Delivery");
        }
        return Long.parseLong(id);
    }

    private Endpoint find(OrgContext ctx, String id) {
        return endpoints.find(ctx.orgId(), id).orElseThrow(() -> ApiException.notFound("Webhook"));
    }

    private String checkedUrl(String url) {
        try {
            return urls.checkOnSave(url).uri().toString();
        } catch (UrlPolicy.Refused r) {
            throw ApiException.invalid("url", r.getMessage());
        }
    }

    private static List<String> checkedEvents(List<String> events) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (EventType.fromWire(events.get(i)).isEmpty()) {
                errors.add(new ApiException.FieldError("events[" + i + "]",
                        "must be one of " + String.join(", ", EventType.WIRE)));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return List.copyOf(new LinkedHashSet<>(events));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Endpoint withId(Endpoint e, long id) {
        return new Endpoint(id, e.publicId(), e.organizationId(), e.url(), e.description(), e.events(), e.enabled(),
                e.secret(), e.previousSecret(), e.previousSecretUntil(), e.failingSince(), e.createdAt(),
                e.updatedAt());
    }
}
