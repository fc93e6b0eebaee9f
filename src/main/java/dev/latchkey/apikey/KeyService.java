package dev.latchkey.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.panache.common.Parameters;

import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyDtos.RateLimitInput;
import dev.latchkey.apikey.KeyDtos.Rotate;
import dev.latchkey.apikey.KeyDtos.ScopeInput;
import dev.latchkey.apikey.KeyRules.Grant;
import dev.latchkey.apikey.KeyRules.RateLimit;
import dev.latchkey.apikey.KeyRules.Scope;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.Cursor;
import dev.latchkey.common.Instants;
import dev.latchkey.common.Page;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.Authority;
import dev.latchkey.security.Caller;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.security.Permissions;
import dev.latchkey.workspace.Workspace;
import dev.latchkey.workspace.WorkspaceDeleted;

/**
 * API keys: issue, list, change, rotate, revoke, delete. Enforces the security model of DESIGN §1: members manage only
 * their own personal keys; service and admin keys are for owners, admins and admin keys; nobody mints or widens a key
 * beyond their own permissions on every workspace in its scope; kind and expiry never change; revocation is final.
 */
@ApplicationScoped
@Transactional
public class KeyService {

    public static final String ORIGIN_NATIVE = "native";
    public static final String ORIGIN_ELASTIC = "elastic";

    private final OrgAccess access;
    private final RoleCatalog roles;
    private final Authority authority;
    private final KeyRules rules;
    private final KeyGenerator generator;
    private final KeyHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;
    private final Event<KeyChanged> changed;
    private final Bodies bodies;

    public KeyService(OrgAccess access, RoleCatalog roles, Authority authority, KeyRules rules, KeyGenerator generator,
            KeyHasher hasher, AuditLog audit, Clock clock, ObjectMapper json, Event<KeyChanged> changed,
            Bodies bodies) {
        this.bodies = bodies;
        this.access = access;
        this.roles = roles;
        this.authority = authority;
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
            Map<String, Object> meta, RateLimit rateLimit, List<String> ipAllowlist) {
    }

    // ------------------------------------------------------------------------------------ reads

    /** One page of the keys the caller may see, oldest first, with optional filters. */
    public Page<KeyView> list(String orgSlug, String kind, String workspace, String state, String limit,
            String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        int n = Cursor.limit(limit);
        Long after = Cursor.decodeId(cursor);
        StringBuilder q = new StringBuilder("organizationId = :org and deletedAt is null and id > :after");
        Parameters p = Parameters.with("org", ctx.orgId()).and("after", after == null ? 0L : after);
        if (kind != null) {
            KeyKind k = KeyKind.fromWire(kind);
            if (k == null) {
                throw ApiException.invalid("kind", "must be personal, service or admin");
            }
            q.append(" and kind = :kind");
            p.and("kind", k.wire());
        }
        if (workspace != null) {
            Workspace ws = Workspace.findLive(ctx.orgId(), workspace).orElse(null);
            if (ws == null) {
                return new Page<>(List.of(), null);
            }
            q.append(" and (allWorkspaces = true or :ws member of workspaceIds)");
            p.and("ws", ws.id);
        }
        if (state != null) {
            KeyState s = KeyState.fromWire(state);
            if (s == null) {
                throw ApiException.invalid("state", "must be active, expired, revoked or disabled");
            }
            q.append(switch (s) {
            case REVOKED -> " and revokedAt is not null";
            case EXPIRED -> " and revokedAt is null and expiresAt <= :now";
            case DISABLED -> " and revokedAt is null and (expiresAt is null or expiresAt > :now) and enabled = false";
            case ACTIVE -> " and revokedAt is null and (expiresAt is null or expiresAt > :now) and enabled = true";
            });
            if (s != KeyState.REVOKED) {
                p.and("now", clock.instant());
            }
        }
        if (!ctx.managesAllKeys()) {
            q.append(" and kind = 'personal' and ownerSubject = :owner");
            p.and("owner", ctx.member().subject);
        }
        q.append(" order by id");
        List<ApiKey> rows = ApiKey.find(q.toString(), p).range(0, n).list();
        Page<ApiKey> page = Cursor.page(rows, n, k -> String.valueOf(k.id));
        return new Page<>(views(ctx.orgId(), page.items()), page.nextCursor());
    }

    /** Reads one key. */
    public KeyView get(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        return view(ctx.orgId(), findVisible(ctx, keyId));
    }

    /** Hourly verify outcomes of a key between two instants (at most 31 days), oldest first. */
    public KeyDtos.UsageView usage(String orgSlug, String keyId, String from, String to) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = findVisible(ctx, keyId);
        Instant end = to == null ? clock.instant() : Instants.parse("to", to);
        Instant start = from == null ? end.minus(java.time.Duration.ofHours(24)) : Instants.parse("from", from);
        if (!start.isBefore(end) || java.time.Duration.between(start, end).toDays() > 31) {
            throw ApiException.invalid("from", "from must be before to, at most 31 days apart");
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = ApiKey.getEntityManager().createNativeQuery(
                "select hour, outcome, count from key_usage_hourly where api_key_id = ?1 and hour >= ?2 and hour < ?3"
                        + " order by hour, outcome")
                .setParameter(1, k.id).setParameter(2, start.truncatedTo(java.time.temporal.ChronoUnit.HOURS))
                .setParameter(3, end).getResultList();
        Map<Instant, Map<String, Long>> byHour = new java.util.TreeMap<>();
        for (Object[] r : rows) {
            Instant hour = r[0] instanceof java.sql.Timestamp t ? t.toInstant()
                    : r[0] instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) r[0];
            byHour.computeIfAbsent(hour, h -> new java.util.TreeMap<>()).put((String) r[1],
                    ((Number) r[2]).longValue());
        }
        List<KeyDtos.UsageHour> items = new ArrayList<>();
        byHour.forEach((hour, counts) -> items
                .add(new KeyDtos.UsageHour(hour, counts, counts.values().stream().mapToLong(Long::longValue).sum())));
        return new KeyDtos.UsageView(k.keyId, start, end, items);
    }

    // ----------------------------------------------------------------------------------- writes

    /** Issues a key through the native API. */
    public KeyWithSecret create(String orgSlug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        // who may issue the kind asked for is decided before the body's details (DESIGN §6)
        JsonNode kind = body == null ? null : body.get("kind");
        KeyKind asked = kind != null && kind.isTextual() ? KeyKind.fromWire(kind.textValue()) : null;
        if (asked != null) {
            requireMayIssue(ctx, asked);
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
        Instant now = clock.instant();
        List<FieldError> errors = new ArrayList<>();
        KeyKind kind = KeyKind.fromWire(request.kind());
        if (kind == null) {
            errors.add(new FieldError("kind", "must be personal, service or admin"));
        } else {
            requireMayIssue(ctx, kind); // who may issue this kind is decided before the body's details
        }
        String name = rules.name(request.name(), errors);
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        Grant grant;
        Scope scope;
        if (kind == KeyKind.ADMIN) {
            grant = adminGrant(request.role(), request.permissions(), errors);
            scope = adminScope(request.scope(), errors);
        } else {
            grant = rules.grant(request.role(), request.permissions(), known, errors);
            scope = rules.scope(request.scope(), ctx.orgId(), errors);
        }
        Instant expiresAt = rules.expiresAt(request.expiresAt(), now, errors);
        Map<String, Object> meta = rules.meta(request.meta(), errors);
        RateLimit rateLimit = rules.rateLimit(request.rateLimit(), errors);
        List<String> allowlist = rules.ipAllowlist(request.ipAllowlist(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        KeySpec spec = new KeySpec(kind, name, grant, scope, expiresAt, meta, rateLimit, allowlist);
        return issue(ctx, spec, prefix != null ? prefix : KeyPrefix.nativeFor(kind), origin);
    }

    /**
     * Issues a validated key: checks who may issue this kind and that it stays within the caller's authority, stores
     * only the hash, audits, and returns the full key this one time.
     */
    public KeyWithSecret issue(OrgContext ctx, KeySpec spec, KeyPrefix prefix, String origin) {
        requireMayIssue(ctx, spec.kind());
        requireWithinAuthority(ctx, spec.grant().effective(), spec.scope());
        if (spec.name() != null) {
            requireFreeName(ctx.orgId(), spec.name(), null);
        }
        Instant now = clock.instant();
        ApiKey k = new ApiKey();
        k.keyId = generator.newKeyId();
        String secret = generator.newSecret();
        String full = KeyFormat.format(prefix, k.keyId, secret);
        k.organizationId = ctx.orgId();
        k.kind = spec.kind().wire();
        k.prefix = prefix.stored();
        k.origin = origin;
        k.name = spec.name() != null ? spec.name() : k.keyId;
        k.secretHash = hasher.hash(secret);
        k.keySuffix = full.substring(full.length() - 4);
        applyGrant(k, spec.grant());
        applyScope(k, spec.scope());
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
        applyRateLimit(k, spec.rateLimit());
        k.ipAllowlist = spec.ipAllowlist() == null ? null : spec.ipAllowlist().toArray(String[]::new);
        k.persistAndFlush();
        KeyView view = view(ctx.orgId(), k);
        audit.record(ctx.orgId(), "key.created", "key", k.keyId, k.name, Map.of("kind", k.kind, "permissions",
                view.permissions(), "scope", json.convertValue(view.scope(), Map.class)));
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        return new KeyWithSecret(view, full);
    }

    /** Changes a key (JSON merge-patch semantics: absent = unchanged, null clears optional fields). */
    public KeyView update(String orgSlug, String keyId, JsonNode patch) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        if (!(patch instanceof ObjectNode body)) {
            throw ApiException.invalid("body", "must be a JSON object");
        }
        ApiKey k = findVisible(ctx, keyId);
        requireNotRevoked(k);
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> changes = new LinkedHashMap<>();
        KeyKind kind = k.kindEnum();
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());

        Grant grant = null;
        Scope scope = null;
        String name = null;
        Boolean enabled = null;
        boolean metaGiven = false;
        boolean rateGiven = false;
        boolean allowGiven = false;
        Map<String, Object> meta = null;
        RateLimit rate = null;
        List<String> allow = null;

        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            JsonNode value = body.get(field);
            switch (field) {
            case "name" -> name = rules.name(text(value, "name", errors), errors);
            case "role", "permissions" -> {
                // handled together below
            }
            case "scope" -> {
                if (kind == KeyKind.ADMIN) {
                    errors.add(new FieldError("scope", "admin keys always cover the whole organization"));
                } else {
                    ScopeInput in = convert(value, ScopeInput.class, "scope", errors);
                    scope = in == null && value.isNull() ? null : rules.scope(in, ctx.orgId(), errors);
                    if (value.isNull()) {
                        errors.add(new FieldError("scope", "cannot be null"));
                    }
                }
            }
            case "enabled" -> {
                if (!value.isBoolean()) {
                    errors.add(new FieldError("enabled", "must be true or false"));
                } else {
                    enabled = value.booleanValue();
                }
            }
            case "meta" -> {
                metaGiven = true;
                if (!value.isNull() && !value.isObject()) {
                    errors.add(new FieldError("meta", "must be a JSON object or null"));
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = value.isNull() ? null : json.convertValue(value, Map.class);
                    meta = rules.meta(m, errors);
                }
            }
            case "rateLimit" -> {
                rateGiven = true;
                RateLimitInput in = value.isNull() ? null : convert(value, RateLimitInput.class, "rateLimit", errors);
                rate = rules.rateLimit(in, errors);
            }
            case "ipAllowlist" -> {
                allowGiven = true;
                if (!value.isNull() && !value.isArray()) {
                    errors.add(new FieldError("ipAllowlist", "must be an array of CIDRs or null"));
                } else {
                    allow = rules.ipAllowlist(value.isNull() ? null : strings(value, "ipAllowlist", errors), errors);
                }
            }
            case "kind" -> errors.add(new FieldError("kind", "is immutable"));
            case "expiresAt" -> errors.add(new FieldError("expiresAt", "is immutable; create a new key instead"));
            default -> errors.add(new FieldError(field, "unknown field"));
            }
        }
        if (body.has("role") || body.has("permissions")) {
            if (kind == KeyKind.ADMIN) {
                errors.add(new FieldError("role", "admin keys carry no role or permissions"));
            } else {
                JsonNode r = body.get("role");
                JsonNode p = body.get("permissions");
                String role = r == null || r.isNull() ? null : text(r, "role", errors);
                List<String> perms = p == null || p.isNull() ? null : strings(p, "permissions", errors);
                grant = rules.grant(role, perms, known, errors);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }

        Grant newGrant = grant != null ? grant : currentGrant(k, known);
        Scope newScope = scope != null ? scope : currentScope(k);
        if (grant != null || scope != null) {
            requireWithinAuthority(ctx, newGrant.effective(), newScope);
        }
        KeyView before = view(ctx.orgId(), k);
        if (name != null && !name.equals(k.name)) {
            requireFreeName(ctx.orgId(), name, k.id);
            k.name = name;
        }
        if (grant != null) {
            applyGrant(k, grant);
        }
        if (scope != null) {
            applyScope(k, scope);
        }
        if (enabled != null) {
            k.enabled = enabled;
        }
        if (metaGiven) {
            k.meta = meta;
        }
        if (rateGiven) {
            applyRateLimit(k, rate);
        }
        if (allowGiven) {
            k.ipAllowlist = allow == null ? null : allow.toArray(String[]::new);
        }
        k.updatedAt = clock.instant();
        k.persistAndFlush();
        KeyView after = view(ctx.orgId(), k);
        diff(before, after, changes);
        if (!changes.isEmpty()) {
            audit.record(ctx.orgId(), "key.updated", "key", k.keyId, k.name, changes);
            changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        }
        return after;
    }

    /** Revokes a key for good. Revoking a revoked key changes nothing. */
    public KeyView revoke(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = findVisible(ctx, keyId);
        if (k.revokedAt == null) {
            k.revokedAt = clock.instant();
            k.updatedAt = k.revokedAt;
            audit.record(ctx.orgId(), "key.revoked", "key", k.keyId, k.name, null);
            changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        }
        return view(ctx.orgId(), k);
    }

    /** Issues a new secret for the same key; the old one verifies until the grace period ends. */
    public KeyWithSecret rotate(String orgSlug, String keyId, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = findVisible(ctx, keyId);
        Rotate request = body == null || body.isNull() || body.isMissingNode() ? null : bodies.read(body, Rotate.class);
        List<FieldError> errors = new ArrayList<>();
        int grace = rules.gracePeriod(request == null ? null : request.gracePeriodSeconds(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        requireNotRevoked(k);
        Instant now = clock.instant();
        if (k.state(now) == KeyState.EXPIRED) {
            throw ApiException.conflict("The key has expired; create a new key instead");
        }
        String secret = generator.newSecret();
        String full = KeyFormat.format(KeyPrefix.fromStored(k.prefix), k.keyId, secret);
        k.previousSecretHash = grace > 0 ? k.secretHash : null;
        k.previousSecretExpiresAt = grace > 0 ? now.plusSeconds(grace) : null;
        k.secretHash = hasher.hash(secret);
        k.keySuffix = full.substring(full.length() - 4);
        k.updatedAt = now;
        k.persistAndFlush();
        audit.record(ctx.orgId(), "key.rotated", "key", k.keyId, k.name, Map.of("gracePeriodSeconds", grace));
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        return new KeyWithSecret(view(ctx.orgId(), k), full);
    }

    /** Revokes a key and hides it from lists and reads. */
    public void delete(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = findVisible(ctx, keyId);
        Instant now = clock.instant();
        if (k.revokedAt == null) {
            k.revokedAt = now;
        }
        k.deletedAt = now;
        k.updatedAt = now;
        audit.record(ctx.orgId(), "key.deleted", "key", k.keyId, k.name, null);
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
    }

    /**
     * A deleted workspace: keys scoped to it alone are revoked; other keys lose it from their scope.
     */
    void onWorkspaceDeleted(@Observes WorkspaceDeleted event) {
        List<ApiKey> keys = ApiKey.list("organizationId = ?1 and ?2 member of workspaceIds", event.organizationId(),
                event.workspaceId());
        Instant now = clock.instant();
        for (ApiKey k : keys) {
            if (k.workspaceIds.size() == 1) {
                if (k.revokedAt == null) {
                    k.revokedAt = now;
                    k.updatedAt = now;
                    audit.record(event.organizationId(), "key.revoked", "key", k.keyId, k.name,
                            Map.of("reason", "workspace deleted", "workspace", event.slug()));
                }
            } else {
                k.workspaceIds.remove(event.workspaceId());
                k.updatedAt = now;
                audit.record(event.organizationId(), "key.updated", "key", k.keyId, k.name,
                        Map.of("reason", "workspace deleted", "removedWorkspace", event.slug()));
            }
            changed.fire(new KeyChanged(event.organizationId(), k.keyId)); // its own row changed
        }
    }

    // ---------------------------------------------------------------------------------- helpers

    private ApiKey findVisible(OrgContext ctx, String keyId) {
        ApiKey k = keyId == null || keyId.length() != KeyFormat.KEY_ID_LENGTH ? null
                : ApiKey.findByKeyId(keyId).orElse(null);
        if (k == null || k.organizationId != ctx.orgId() || k.deletedAt != null) {
            throw ApiException.notFound("Key");
        }
        if (!ctx.managesAllKeys()
                && !(KeyKind.PERSONAL.wire().equals(k.kind) && ctx.member().subject.equals(k.ownerSubject))) {
            throw ApiException.notFound("Key"); // members see only their own personal keys
        }
        return k;
    }

    private static void requireMayIssue(OrgContext ctx, KeyKind kind) {
        switch (kind) {
        case PERSONAL -> {
            if (ctx.member() == null) {
                throw ApiException.forbidden("Personal keys belong to a member; admin keys cannot create them");
            }
        }
        case SERVICE, ADMIN -> {
            if (!ctx.managesAllKeys()) {
                throw ApiException.forbidden("Only owners, admins and admin keys may create " + kind.wire() + " keys");
            }
        }
        }
    }

    /** Seed 003: a key never exceeds its creator's access, on every workspace of its scope. */
    private void requireWithinAuthority(OrgContext ctx, List<String> permissions, Scope scope) {
        if (ctx.managesAllKeys()) {
            return;
        }
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        Set<Long> workspaces = scope.all() ? new HashSet<>(Arrays.asList((Long) null)) : scope.workspaceIds();
        Map<Long, String> slugs = Workspace.slugsById(workspaces);
        for (Long ws : workspaces) {
            List<String> missing = Permissions.notCovered(authority.holds(ctx, ws, known), permissions);
            if (!missing.isEmpty()) {
                String where = ws == null ? "every workspace (all present and future)" : "workspace " + slugs.get(ws);
                throw ApiException.forbidden("The key would exceed your own permissions: you do not hold "
                        + String.join(", ", missing) + " on " + where);
            }
        }
    }

    private static void requireFreeName(long orgId, String name, Long exceptId) {
        long clash = exceptId == null
                ? ApiKey.count("organizationId = ?1 and name = ?2 and deletedAt is null", orgId, name) : ApiKey.count(
                        "organizationId = ?1 and name = ?2 and deletedAt is null and id <> ?3", orgId, name, exceptId);
        if (clash > 0) {
            throw ApiException.conflict("A key named '" + name + "' already exists in this organization");
        }
    }

    private static void requireNotRevoked(ApiKey k) {
        if (k.revokedAt != null) {
            throw ApiException.conflict("The key is revoked; revocation is final");
        }
    }

    private static Grant adminGrant(String role, List<String> permissions, List<FieldError> errors) {
        if ((role != null && !role.equals("admin")) || (permissions != null && !permissions.equals(List.of("*")))) {
            errors.add(new FieldError("role", "admin keys carry no role or permissions (they manage keys only)"));
        }
        return new Grant("admin", null, RoleCatalog.BUILT_IN.get("admin"));
    }

    private static Scope adminScope(ScopeInput scope, List<FieldError> errors) {
        if (scope != null && !("organization".equals(scope.type()) && Boolean.TRUE.equals(scope.allWorkspaces())
                && scope.workspaces() == null && scope.workspace() == null)) {
            errors.add(new FieldError("scope", "admin keys always cover the whole organization"));
        }
        return new Scope("organization", true, Set.of());
    }

    private static void applyGrant(ApiKey k, Grant grant) {
        k.role = grant.role();
        k.permissions = grant.explicit() == null ? null : grant.explicit().toArray(String[]::new);
    }

    private static void applyScope(ApiKey k, Scope scope) {
        k.scopeType = scope.type();
        k.allWorkspaces = scope.all();
        k.workspaceIds.clear();
        k.workspaceIds.addAll(scope.workspaceIds());
    }

    private static void applyRateLimit(ApiKey k, RateLimit rate) {
        k.rateLimit = rate == null ? null : rate.limit();
        k.rateLimitWindowSeconds = rate == null ? null : rate.windowSeconds();
    }

    private static Grant currentGrant(ApiKey k, Map<String, List<String>> known) {
        return k.role != null ? new Grant(k.role, null, known.getOrDefault(k.role, List.of()))
                : new Grant(null, List.of(k.permissions), List.of(k.permissions));
    }

    private static Scope currentScope(ApiKey k) {
        return new Scope(k.scopeType, k.allWorkspaces, new HashSet<>(k.workspaceIds));
    }

    private <T> T convert(JsonNode value, Class<T> type, String field, List<FieldError> errors) {
        if (value.isNull()) {
            return null;
        }
        try {
            return json.treeToValue(value, type);
        } catch (Exception e) {
            errors.add(new FieldError(field, "has the wrong shape or types"));
            return null;
        }
    }

    private static String text(JsonNode value, String field, List<FieldError> errors) {
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.textValue();
    }

    private static List<String> strings(JsonNode value, String field, List<FieldError> errors) {
        if (!value.isArray()) {
            errors.add(new FieldError(field, "must be an array of strings"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                errors.add(new FieldError(field + "[" + i + "]", "must be a string"));
                return null;
            }
            out.add(value.get(i).textValue());
        }
        return out;
    }

    private void diff(KeyView before, KeyView after, Map<String, Object> changes) {
        Map<?, ?> b = json.convertValue(before, Map.class);
        Map<?, ?> a = json.convertValue(after, Map.class);
        for (String f : List.of("name", "role", "permissions", "scope", "enabled", "meta", "rateLimit",
                "ipAllowlist")) {
            Object from = b.get(f);
            Object to = a.get(f);
            if (from == null ? to != null : !from.equals(to)) {
                Map<String, Object> change = new HashMap<>();
                change.put("from", from);
                change.put("to", to);
                changes.put(f, change);
            }
        }
    }

    KeyView view(long orgId, ApiKey k) {
        return views(orgId, List.of(k)).get(0);
    }

    List<KeyView> views(long orgId, List<ApiKey> keys) {
        Set<Long> ids = new HashSet<>();
        keys.forEach(k -> ids.addAll(k.workspaceIds));
        Map<Long, String> slugs = Workspace.slugsById(ids);
        Map<String, List<String>> known = roles.rolesOf(orgId);
        Instant now = clock.instant();
        return keys.stream().map(k -> KeyViews.view(k, slugs, known, now)).toList();
    }
}
