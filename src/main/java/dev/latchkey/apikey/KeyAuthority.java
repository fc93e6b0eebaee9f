package dev.latchkey.apikey;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.apikey.KeyRules.Scope;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.error.ApiException;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.Authority;
import dev.latchkey.security.OrgContext;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.Permissions;
import dev.latchkey.workspace.Workspaces;

/**
 * Who may do what with keys (README, "Concepts and the security model", seeds 000 and 003): members see and manage only
 * their own personal keys; service and admin keys are for owners, admins and admin keys; nobody mints or widens a key
 * beyond their own permissions on every workspace in its scope; names are unique per organization; revocation is final.
 */
@ApplicationScoped
class KeyAuthority {

    private final RoleCatalog roles;
    private final Authority authority;
    private final ApiKeys keys;
    private final Workspaces workspaces;

    KeyAuthority(RoleCatalog roles, Authority authority, ApiKeys keys, Workspaces workspaces) {
        this.roles = roles;
        this.authority = authority;
        this.keys = keys;
        this.workspaces = workspaces;
    }

    /** The key, if the caller may see it; 404 otherwise (also for other organizations' keys). */
    ApiKey findVisible(OrgContext ctx, String keyId) {
        ApiKey k = keyId == null || keyId.length() != KeyFormat.KEY_ID_LENGTH ? null
                : keys.findByKeyId(keyId).orElse(null);
        if (k == null || k.organizationId != ctx.orgId() || k.deletedAt != null) {
            throw ApiException.notFound("Key");
        }
        if (!ctx.managesAllKeys()
                && !(KeyKind.PERSONAL.wire().equals(k.kind) && ctx.member().subject.equals(k.ownerSubject))) {
            throw ApiException.notFound("Key"); // members see only their own personal keys
        }
        return k;
    }

    /** 403 unless the caller may issue keys of this kind. */
    static void requireMayIssue(OrgContext ctx, KeyKind kind) {
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
    void requireWithinAuthority(OrgContext ctx, List<String> permissions, Scope scope) {
        if (ctx.managesAllKeys()) {
            return;
        }
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        Set<Long> workspaces = scope.all() ? new HashSet<>(Arrays.asList((Long) null)) : scope.workspaceIds();
        Map<Long, String> slugs = this.workspaces.slugsById(workspaces);
        for (Long ws : workspaces) {
            List<String> missing = Permissions.notCovered(authority.holds(ctx, ws, known), permissions);
            if (!missing.isEmpty()) {
                String where = ws == null ? "every workspace (all present and future)" : "workspace " + slugs.get(ws);
                throw ApiException.forbidden("The key would exceed your own permissions: you do not hold "
                        + String.join(", ", missing) + " on " + where);
            }
        }
    }

    /** 409 if another live key of the organization has this name. */
    void requireFreeName(long orgId, String name, Long exceptId) {
        long clash = exceptId == null
                ? keys.count("organization_id = ? and name = ? and deleted_at is null", orgId, name) : keys.count(
                        "organization_id = ? and name = ? and deleted_at is null and id <> ?", orgId, name, exceptId);
        if (clash > 0) {
            throw ApiException.conflict("A key named '" + name + "' already exists in this organization");
        }
    }

    /** 409 for a revoked key: revocation is final. */
    static void requireNotRevoked(ApiKey k) {
        if (k.revokedAt != null) {
            throw ApiException.conflict("The key is revoked; revocation is final");
        }
    }
}
