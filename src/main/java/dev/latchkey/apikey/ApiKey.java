package dev.latchkey.apikey;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

import dev.latchkey.limit.QuotaSpec;
import dev.latchkey.limit.Refill;

/** An API key. Only the hash of its secret is stored; {@code keySuffix} feeds the masked form. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "key_id", nullable = false, length = 16)
    public String keyId;

    @Column(name = "organization_id", nullable = false)
    public Long organizationId;

    @Column(name = "kind", nullable = false, length = 16)
    public String kind;

    @Column(name = "prefix", nullable = false, length = 16)
    public String prefix;

    /** native or elastic: which API created it (the Elastic API sees its own keys and admin keys). */
    @Column(name = "origin", nullable = false, length = 16)
    public String origin;

    @Column(name = "name", nullable = false, length = 64)
    public String name;

    @Column(name = "secret_hash", nullable = false)
    public byte[] secretHash;

    @Column(name = "previous_secret_hash")
    public byte[] previousSecretHash;

    @Column(name = "previous_secret_expires_at")
    public Instant previousSecretExpiresAt;

    @Column(name = "key_suffix", nullable = false, length = 4)
    public String keySuffix;

    @Column(name = "role", length = 64)
    public String role;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "permissions", columnDefinition = "text[]")
    public String[] permissions;

    @Column(name = "scope_type", nullable = false, length = 16)
    public String scopeType;

    @Column(name = "all_workspaces", nullable = false)
    public boolean allWorkspaces;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "api_key_workspaces", joinColumns = @JoinColumn(name = "api_key_id"))
    @Column(name = "workspace_id", nullable = false)
    public Set<Long> workspaceIds = new HashSet<>();

    @Column(name = "owner_subject", length = 255)
    public String ownerSubject;

    @Column(name = "created_by_type", nullable = false, length = 8)
    public String createdByType;

    @Column(name = "created_by_id", nullable = false, length = 255)
    public String createdById;

    @Column(name = "created_by_name", nullable = false, length = 255)
    public String createdByName;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "enabled", nullable = false)
    public boolean enabled;

    /** Written only by the usage flusher (plain SQL), so that management updates never roll it back. */
    /** Kept in its own table (written by the usage flush, not with the key: see V12). */
    @Formula("(select u.at from key_last_used u where u.api_key_id = id)")
    public Instant lastUsedAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "meta", columnDefinition = "jsonb")
    public Map<String, Object> meta;

    @Column(name = "rate_limit")
    public Integer rateLimit;

    @Column(name = "rate_limit_window_seconds")
    public Integer rateLimitWindowSeconds;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "ip_allowlist", columnDefinition = "text[]")
    public String[] ipAllowlist;

    /** Route rules in their stored form ({@code RouteRules.Rule#stored}); null: any route. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "routes", columnDefinition = "text[]")
    public String[] routes;

    /** Changes whenever an admin sets the quota; null: no quota. Counts live in key_quotas (V14). */
    @Column(name = "quota_generation")
    public Integer quotaGeneration;

    @Column(name = "quota_refill_amount")
    public Long quotaRefillAmount;

    @Column(name = "quota_refill_interval")
    public String quotaRefillInterval;

    @Version
    @Column(name = "version", nullable = false)
    public int version;

    /** The key with this public id, deleted or not. */
    public static Optional<ApiKey> findByKeyId(String keyId) {
        return find("keyId", keyId).firstResultOptional();
    }

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
