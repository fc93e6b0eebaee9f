package dev.latchkey.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyDtos.Rotate;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyGenerator;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.security.Caller;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.tenant.Organizations;
import dev.latchkey.vocabulary.KeyState;
import dev.latchkey.workspace.WorkspaceDeleted;

/**
 * A key's life after issue: rotation with a grace period, revocation (final), deletion (revoked and hidden), and what a
 * workspace deletion does to the keys scoped to it. Issue and change: {@link KeyService}.
 */
@ApplicationScoped
@Transactional
public class KeyLifecycle {

    private final OrgAccess access;
    private final KeyAuthority keyAuthority;
    private final KeyQueries queries;
    private final KeyRules rules;
    private final KeyGenerator generator;
    private final KeyHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Event<KeyChanged> changed;
    private final Bodies bodies;
    private final ApiKeys keys;
    private final Organizations organizations;

    KeyLifecycle(OrgAccess access, KeyAuthority keyAuthority, KeyQueries queries, KeyRules rules,
            KeyGenerator generator, KeyHasher hasher, AuditLog audit, Clock clock, Event<KeyChanged> changed,
            Bodies bodies, ApiKeys keys, Organizations organizations) {
        this.keys = keys;
        this.organizations = organizations;
        this.access = access;
        this.keyAuthority = keyAuthority;
        this.queries = queries;
        this.rules = rules;
        this.generator = generator;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.changed = changed;
        this.bodies = bodies;
    }

    /** Revokes a key for good. Revoking a revoked key changes nothing. */
    public KeyView revoke(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        if (k.revokedAt == null) {
            revokeNow(k, ctx.caller(), null);
            changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        }
        return queries.view(ctx.orgId(), k);
    }

    /** Revokes a key that is not revoked yet, audited as {@code key.revoked} by {@code actor} with {@code details}. */
    private void revokeNow(ApiKey k, Caller actor, Map<String, Object> details) {
        k.revokedAt = clock.instant();
        k.updatedAt = k.revokedAt;
        keys.update(k, false);
        audit.record(actor, k.organizationId, "key.revoked", "key", k.keyId, k.name, details);
    }

    /** Issues a new secret for the same key; the old one verifies until the grace period ends. */
    public KeyWithSecret rotate(String orgSlug, String keyId, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        Rotate request = body == null || body.isNull() || body.isMissingNode() ? null : bodies.read(body, Rotate.class);
        List<FieldError> errors = new ArrayList<>();
        int grace = rules.gracePeriod(request == null ? null : request.gracePeriodSeconds(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        KeyAuthority.requireNotRevoked(k);
        Instant now = clock.instant();
        if (k.state(now) == KeyState.EXPIRED) {
            throw ApiException.conflict("The key has expired; create a new key instead");
        }
        String secret = generator.newSecret();
        String full = KeyFormat.format(KeyPrefix.fromStored(k.prefix), k.keyId, secret);
        // an imported value moves with its hash: valid through the grace period, then like any wrong secret
        k.importedSecret = grace > 0 && "current".equals(k.importedSecret) ? "previous" : null;
        k.previousSecretHash = grace > 0 ? k.secretHash : null;
        k.previousSecretExpiresAt = grace > 0 ? now.plusSeconds(grace) : null;
        k.secretHash = hasher.hash(secret);
        k.keySuffix = full.substring(full.length() - 4);
        k.updatedAt = now;
        keys.update(k, false);
        audit.record(ctx.orgId(), "key.rotated", "key", k.keyId, k.name, Map.of("gracePeriodSeconds", grace));
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
        return new KeyWithSecret(queries.view(ctx.orgId(), k), full);
    }

    /**
     * A key confirmed leaked (README, "Leaked keys"): the owning organization's policy is applied — revoke (the
     * default), disable, or notify only — and {@code key.leaked} is recorded by {@code actor} with what the reporter
     * said and the policy.
     */
    public void leaked(ApiKey k, Caller actor, Map<String, Object> report) {
        String policy = organizations.findById(k.organizationId).leakPolicy;
        boolean changedKey = false;
        if ("revoke".equals(policy) && k.revokedAt == null) {
            revokeNow(k, actor, Map.of("reason", "leaked"));
            changedKey = true;
        } else if ("disable".equals(policy) && k.enabled && k.revokedAt == null) {
            k.enabled = false;
            k.updatedAt = clock.instant();
            keys.update(k, false);
            audit.record(actor, k.organizationId, "key.updated", "key", k.keyId, k.name,
                    Map.of("reason", "leaked", "enabled", Map.of("from", true, "to", false)));
            changedKey = true;
        }
        Map<String, Object> details = new LinkedHashMap<>(report);
        details.put("policy", policy);
        audit.record(actor, k.organizationId, "key.leaked", "key", k.keyId, k.name, details);
        if (changedKey) {
            changed.fire(new KeyChanged(k.organizationId, k.keyId));
        }
    }

    /** An owner or admin reports one of the organization's keys found elsewhere ({@code {url?, note?}}). */
    public KeyView reportLeak(String orgSlug, String keyId, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        KeyDtos.ReportLeak report = body == null || body.isNull() || body.isMissingNode() ? null
                : bodies.read(body, KeyDtos.ReportLeak.class);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reporter", "member");
        if (report != null && report.url() != null) {
            details.put("url", report.url());
        }
        if (report != null && report.note() != null) {
            details.put("note", report.note());
        }
        leaked(k, ctx.caller(), details);
        return queries.view(ctx.orgId(), k);
    }

    /** Revokes a key and hides it from lists and reads. */
    public void delete(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        Instant now = clock.instant();
        if (k.revokedAt == null) {
            k.revokedAt = now;
        }
        k.deletedAt = now;
        k.updatedAt = now;
        keys.update(k, false);
        audit.record(ctx.orgId(), "key.deleted", "key", k.keyId, k.name, null);
        changed.fire(new KeyChanged(ctx.orgId(), k.keyId));
    }

    /**
     * A deleted workspace: keys scoped to it alone are revoked; other keys lose it from their scope.
     */
    void onWorkspaceDeleted(@Observes WorkspaceDeleted event) {
        List<ApiKey> scoped = keys.list("organization_id = ? and " + ApiKeys.IN_WORKSPACE, event.organizationId(),
                event.workspaceId());
        Instant now = clock.instant();
        for (ApiKey k : scoped) {
            if (k.workspaceIds.size() == 1) {
                if (k.revokedAt == null) {
                    k.revokedAt = now;
                    k.updatedAt = now;
                    keys.update(k, false);
                    audit.record(event.organizationId(), "key.revoked", "key", k.keyId, k.name,
                            Map.of("reason", "workspace deleted", "workspace", event.slug()));
                }
            } else {
                k.workspaceIds.remove(event.workspaceId());
                k.updatedAt = now;
                keys.update(k, true);
                audit.record(event.organizationId(), "key.updated", "key", k.keyId, k.name,
                        Map.of("reason", "workspace deleted", "removedWorkspace", event.slug()));
            }
            changed.fire(new KeyChanged(event.organizationId(), k.keyId)); // its own row changed
        }
    }
}
