package dev.latchkey.apikey;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.latchkey.limit.QuotaSpec;
import dev.latchkey.limit.Refill;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.KeyState;

/**
 * An API key (tables {@code api_keys} and {@code api_key_workspaces}; {@link ApiKeys} reads and writes it). Only the
 * hash of its secret is stored; {@code keySuffix} feeds the masked form.
 */
public class ApiKey {

    public Long id;
    public String keyId;
    public Long organizationId;
    public String kind;
    public String prefix;

    /** native or elastic: which API created it (the Elastic API sees its own keys and admin keys). */
    public String origin;
    public String name;
    public byte[] secretHash;
    public byte[] previousSecretHash;
    public Instant previousSecretExpiresAt;
    public String keySuffix;
    public String role;
    public String[] permissions;
    public String scopeType;
    public boolean allWorkspaces;

    public Set<Long> workspaceIds = new HashSet<>();

    public String ownerSubject;
    public String createdByType;
    public String createdById;
    public String createdByName;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant expiresAt;
    public Instant revokedAt;
    public Instant deletedAt;
    public boolean enabled;

    /** Read from its own table (written by the usage flush, never with the key: see V12). */
    public Instant lastUsedAt;
    public Map<String, Object> meta;
    public Integer rateLimit;
    public Integer rateLimitWindowSeconds;
    public String[] ipAllowlist;

    /** Where an imported key came from ({@code null} for keys issued here) and when it was imported. */
    public String importSystem;
    public Instant importedAt;

    /** The prefix an imported value's hash leaves out ({@code ""} for none); null for keys issued here. */
    public String importPrefix;

    /** Which hash holds the imported value: {@code current}, {@code previous} (during a rotation's grace) or null. */
    public String importedSecret;

    /** Route rules in their stored form ({@code RouteRules.Rule#stored}); null: any route. */
    public String[] routes;

    /** Changes whenever an admin sets the quota; null: no quota. Counts live in key_quotas (V14). */
    public Integer quotaGeneration;
    public Long quotaRefillAmount;
    public String quotaRefillInterval;

    /** Optimistic lock: every update checks and bumps it, so of two concurrent writers one gets 409. */
    public int version;

    /** The kind as an enum. */
    public KeyKind kindEnum() {
        return KeyKind.fromWire(kind);
    }

    /** The state at {@code now}: revoked wins over expired, expired over disabled. */
    public KeyState state(Instant now) {
        if (revokedAt != null) {
            return KeyState.REVOKED;
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            return KeyState.EXPIRED;
        }
        return enabled ? KeyState.ACTIVE : KeyState.DISABLED;
    }

    void applyGrant(KeyRules.Grant grant) {
        role = grant.role();
        permissions = grant.explicit() == null ? null : grant.explicit().toArray(String[]::new);
    }

    void applyScope(KeyRules.Scope scope) {
        scopeType = scope.type();
        allWorkspaces = scope.all();
        workspaceIds.clear();
        workspaceIds.addAll(scope.workspaceIds());
    }

    /** Sets the quota's settings with a new generation (the counts are written by the key service). */
    void applyQuota(KeyRules.Quota quota) {
        if (quota == null) {
            quotaGeneration = null;
            quotaRefillAmount = null;
            quotaRefillInterval = null;
            return;
        }
        quotaGeneration = quotaGeneration == null ? 1 : quotaGeneration + 1;
        quotaRefillAmount = quota.refill() == null ? null : quota.refill().amount();
        quotaRefillInterval = quota.refill() == null ? null : quota.refill().interval();
    }

    /** The quota's settings as the limits code reads them, or null. */
    public QuotaSpec quotaSpec() {
        return quotaGeneration == null ? null : new QuotaSpec(quotaGeneration,
                quotaRefillAmount == null ? null : new Refill(quotaRefillAmount, quotaRefillInterval));
    }

    void applyRateLimit(KeyRules.RateLimit rate) {
        rateLimit = rate == null ? null : rate.limit();
        rateLimitWindowSeconds = rate == null ? null : rate.windowSeconds();
    }

    /** The key's grant as stored: its role's current permissions, or its explicit ones. */
    KeyRules.Grant currentGrant(Map<String, List<String>> roles) {
        return role != null ? new KeyRules.Grant(role, null, roles.getOrDefault(role, List.of()))
                : new KeyRules.Grant(null, List.of(permissions), List.of(permissions));
    }

    KeyRules.Scope currentScope() {
        return new KeyRules.Scope(scopeType, allWorkspaces, new HashSet<>(workspaceIds));
    }
}
