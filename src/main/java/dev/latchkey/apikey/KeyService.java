package dev.latchkey.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyRules.Grant;
import dev.latchkey.apikey.KeyRules.RateLimit;
import dev.latchkey.apikey.KeyRules.Scope;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyGenerator;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.Caller;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.vocabulary.KeyKind;

/**
 * API keys: issue and change (rotate, revoke, delete: {@link KeyLifecycle}; reads: {@link KeyQueries}; who may:
 * {@link KeyAuthority}; patch parsing: {@link KeyPatch}; field rules: {@link KeyRules}). Enforces the security model of
 * README, "Concepts and the security model": members manage only their own personal keys; service and admin keys are
 * for owners, admins and admin keys; nobody mints or widens a key beyond their own permissions on every workspace in
 * its scope; kind and expiry never change; revocation is final.
 */
@ApplicationScoped
@Transactional
public class KeyService {

    public static final String ORIGIN_NATIVE = "native";
    public static final String ORIGIN_ELASTIC = "elastic";

    private final OrgAccess access;
    private final RoleCatalog roles;
    private final KeyAuthority keyAuthority;
    private final KeyQueries queries;
    private final KeyRules rules;
    private final KeyGenerator generator;
    private final KeyHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;
    private final Event<KeyChanged> changed;
    private final Bodies bodies;
    private final KeyQuotas keyQuotas;
    private final ApiKeys keys;

    KeyService(OrgAccess access, RoleCatalog roles, KeyAuthority keyAuthority, KeyQueries queries, KeyRules rules,
            KeyGenerator generator, KeyHasher hasher, AuditLog audit, Clock clock, ObjectMapper json,
            Event<KeyChanged> changed, Bodies bodies, KeyQuotas keyQuotas, ApiKeys keys) {
        this.keys = keys;
        this.bodies = bodies;
        this.keyQuotas = keyQuotas;
        this.access = access;
        this.roles = roles;
        this.keyAuthority = keyAuthority;
        this.queries = queries;
        this.rules = rules;
        this.generator = generator;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
        this.changed = changed;
    }

    /** A validated key to be issued. */
    public record KeySpec(KeyKind kind, String name, Grant grant, Scope scope, Instant expiresAt,
            Map<String, Object> meta, RateLimit rateLimit, List<String> ipAllowlist, List<String> routes,
            KeyRules.Quota quota) {
    }

    // ----------------------------------------------------------------------------------- writes

    /** Issues a key through the native API. */
    public KeyWithSecret create(String orgSlug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        // who may issue the kind asked for is decided before the body's details (README, "Errors")
        JsonNode kind = body == null ? null : body.get("kind");
        KeyKind asked = kind != null && kind.isTextual() ? KeyKind.fromWire(kind.textValue()) : null;
        if (asked != null) {
            KeyAuthority.requireMayIssue(ctx, asked);
        }
        return create(ctx, bodies.read(body, CreateKey.class), null, ORIGIN_NATIVE);
    }

    /**
     * Issues a key with the native rules; {@code prefix} null means the kind's native prefix. The Elastic-compatible
     * API uses this with Elastic's prefixes and origin.
     */
    public KeyWithSecret create(String orgSlug, CreateKey request, KeyPrefix prefix, String origin) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        return create(ctx, request, prefix, origin);
    }

    private KeyWithSecret create(OrgContext ctx, CreateKey request, KeyPrefix prefix, String origin) {
        List<FieldError> errors = new ArrayList<>();
        KeySpec spec = validate(ctx, request, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return issue(ctx, spec, prefix != null ? prefix : KeyPrefix.nativeFor(spec.kind()), origin);
    }

    /**
     * A create request checked against the key rules; what is wrong goes to {@code errors} (the spec is then
     * incomplete). Who may issue the kind asked for is decided first.
     */
    public KeySpec validate(OrgContext ctx, CreateKey request, List<FieldError> errors) {
        Instant now = clock.instant();
        KeyKind kind = KeyKind.fromWire(request.kind());
        if (kind == null) {
            errors.add(new FieldError("kind", "must be personal, service or admin"));
        } else {
            KeyAuthority.requireMayIssue(ctx, kind); // who may issue this kind is decided before the body's details
        }
        String name = rules.name(request.name(), errors);
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        Grant grant;
        Scope scope;
        if (kind == KeyKind.ADMIN) {
            grant = rules.adminGrant(request.role(), request.permissions(), errors);
            scope = rules.adminScope(request.scope(), errors);
        } else {
            grant = rules.grant(request.role(), request.permissions(), known, errors);
            scope = rules.scope(request.scope(), ctx.orgId(), errors);
        }
        Instant expiresAt = rules.expiresAt(request.expiresAt(), now, errors);
        Map<String, Object> meta = rules.meta(request.meta(), errors);
        RateLimit rateLimit = rules.rateLimit(request.rateLimit(), errors);
        List<String> allowlist = rules.ipAllowlist(request.ipAllowlist(), errors);
        List<String> routes = rules.routes(request.routes(), errors);
        KeyRules.Quota quota = rules.quota(request.quota(), errors);
        return new KeySpec(kind, name, grant, scope, expiresAt, meta, rateLimit, allowlist, routes, quota);
    }

    /**
     * Issues a validated key: checks who may issue this kind and that it stays within the caller's authority, stores
     * only the hash, audits, and returns the full key this one time.
     */
    public KeyWithSecret issue(OrgContext ctx, KeySpec spec, KeyPrefix prefix, String origin) {
        ApiKey k = prepare(ctx, spec, prefix, origin);
        String secret = generator.newSecret();
        String full = KeyFormat.format(prefix, k.keyId, secret);
        k.secretHash = hasher.hash(secret);
        k.keySuffix = full.substring(full.length() - 4);
        KeyView view = store(ctx, k, spec, "key.created", Map.of());
        return new KeyWithSecret(view, full);
    }

    /**
     * A new key from a validated spec, with a fresh key id and no secret yet: checks who may issue this kind, that it
     * stays within the caller's authority and that its name is free.
     */
    public ApiKey prepare(OrgContext ctx, KeySpec spec, KeyPrefix prefix, String origin) {
        KeyAuthority.requireMayIssue(ctx, spec.kind());
        keyAuthority.requireWithinAuthority(ctx, spec.grant().effective(), spec.scope());
        if (spec.name() != null) {
            keyAuthority.requireFreeName(ctx.orgId(), spec.name(), null);
        }
        Instant now = clock.instant();
        ApiKey k = new ApiKey();
        k.keyId = generator.newKeyId();
        k.organizationId = ctx.orgId();
        k.kind = spec.kind().wire();
        k.prefix = prefix.stored();
        k.origin = origin;
        k.name = spec.name() != null ? spec.name() : k.keyId;
        k.applyGrant(spec.grant());
        k.applyScope(spec.scope());
        Caller caller = ctx.caller();
        k.ownerSubject = spec.kind() == KeyKind.PERSONAL ? caller.actorId() : null;
        k.createdByType = caller.actorType();
        k.createdById = caller.actorId();
        k.createdByName = caller.actorName();
        k.createdAt = now;
        k.updatedAt = now;
        k.expiresAt = spec.expiresAt();
        k.enabled = true;
        k.meta = spec.meta();
        k.applyRateLimit(spec.rateLimit());
        k.ipAllowlist = spec.ipAllowlist() == null ? null : spec.ipAllowlist().toArray(String[]::new);
        k.routes = spec.routes() == null ? null : spec.routes().toArray(String[]::new);
        k.applyQuota(spec.quota());
        return k;
    }

    /**
     * Stores a prepared key whose secret hash is set, records {@code action} in the audit log (with {@code details}
     * added to the kind, permissions and scope) and announces the change; returns its view.
     */
    public KeyView store(OrgContext ctx, ApiKey k, KeySpec spec, String action, Map<String, Object> details) {
        keys.insert(k);
        keyQuotas.write(k, spec.quota());
        KeyView view = queries.view(ctx.orgId(), k);
        Map<String, Object> audited = new LinkedHashMap<>(Map.of("kind", k.kind, "permissions", view.permissions(),
                "scope", json.convertValue(view.scope(), Map.class)));
        audited.putAll(details);
        audit.record(ctx.orgId(), action, "key", k.keyId, k.name, audited);
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        return view;
    }

    /** Changes a key (JSON merge-patch semantics: absent = unchanged, null clears optional fields). */
    public KeyView update(String orgSlug, String keyId, JsonNode patch) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        KeyAuthority.requireNotRevoked(k);
        List<FieldError> errors = new ArrayList<>();
        KeyKind kind = k.kindEnum();
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        KeyPatch.Changes c = KeyPatch.parse(patch, kind, json, errors);
        String name = c.name() == null ? null : rules.name(c.name(), errors);
        Grant grant = c.grantGiven() ? rules.grant(c.role(), c.permissions(), known, errors) : null;
        Scope scope = c.scope() == null ? null : rules.scope(c.scope(), ctx.orgId(), errors);
        Map<String, Object> meta = c.metaGiven() ? rules.meta(c.meta(), errors) : null;
        RateLimit rate = c.rateLimitGiven() ? rules.rateLimit(c.rateLimit(), errors) : null;
        List<String> allow = c.ipAllowlistGiven() ? rules.ipAllowlist(c.ipAllowlist(), errors) : null;
        List<String> routes = c.routesGiven() ? rules.routes(c.routes(), errors) : null;
        KeyRules.Quota quota = c.quotaGiven() ? rules.quota(c.quota(), errors) : null;
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }

        Grant newGrant = grant != null ? grant : k.currentGrant(known);
        Scope newScope = scope != null ? scope : k.currentScope();
        if (grant != null || scope != null) {
            keyAuthority.requireWithinAuthority(ctx, newGrant.effective(), newScope);
        }
        KeyView before = queries.view(ctx.orgId(), k);
        if (name != null && !name.equals(k.name)) {
            keyAuthority.requireFreeName(ctx.orgId(), name, k.id);
            k.name = name;
        }
        if (grant != null) {
            k.applyGrant(grant);
        }
        if (scope != null) {
            k.applyScope(scope);
        }
        if (c.enabled() != null) {
            k.enabled = c.enabled();
        }
        if (c.metaGiven()) {
            k.meta = meta;
        }
        if (c.rateLimitGiven()) {
            k.applyRateLimit(rate);
        }
        if (c.ipAllowlistGiven()) {
            k.ipAllowlist = allow == null ? null : allow.toArray(String[]::new);
        }
        if (c.routesGiven()) {
            k.routes = routes == null ? null : routes.toArray(String[]::new);
        }
        if (c.quotaGiven()) {
            k.applyQuota(quota);
        }
        k.updatedAt = clock.instant();
        keys.update(k, scope != null);
        if (c.quotaGiven()) {
            keyQuotas.write(k, quota);
        }
        KeyView after = queries.view(ctx.orgId(), k);
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.putAll(KeyViews.diff(json, before, after, c.quotaGiven()));
        if (!changes.isEmpty()) {
            audit.record(ctx.orgId(), "key.updated", "key", k.keyId, k.name, changes);
            changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        }
        return after;
    }
}
