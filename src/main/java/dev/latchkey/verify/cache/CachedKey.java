package dev.latchkey.verify.cache;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.latchkey.apikey.KeyKind;
import dev.latchkey.common.Cidr;

/**
 * One key as the hot path needs it: only the key's own row (and its workspace ids). What it shares with the rest of its
 * organization — role permissions, workspace slugs, its owner's rights — is read through {@link #org()} at verify time,
 * so an organization-wide change never rewrites keys. Immutable: a change to the key replaces the entry.
 *
 * @param role
 *            the key's role name, or null when it carries explicit {@code permissions}
 * @param permissions
 *            explicit permissions, or null when it has a role
 * @param workspaceIds
 *            the workspaces of a workspace-scoped or listed key (sorted); empty for all-workspaces keys
 * @param fingerprint
 *            the database's hash of the row this was built from (the resync compares it)
 */
public record CachedKey(long id, String keyId, OrgHandle org, KeyKind kind, String prefix, String name,
        byte[] secretHash, byte[] previousSecretHash, Instant previousSecretExpiresAt, Instant expiresAt,
        boolean revoked, boolean enabled, String role, Grant permissions, boolean allWorkspaces, long[] workspaceIds,
        String ownerSubject, String metaJson, Integer rateLimit, Integer rateLimitWindowSeconds, List<Cidr> ipAllowlist,
        long fingerprint) {

    /** The key's own permissions under the organization's current roles. */
    public Grant grant(OrgState state) {
        return role != null ? state.role(role) : permissions;
    }

    /** Whether the key reaches a live workspace (by slug). */
    public boolean covers(OrgState state, String workspace) {
        Long id = state.workspaceId(workspace);
        return id != null && (allWorkspaces || java.util.Arrays.binarySearch(workspaceIds, id) >= 0);
    }

    /** The live workspaces the key reaches now, sorted by slug. */
    public List<String> coveredWorkspaces(OrgState state) {
        if (allWorkspaces) {
            return state.liveSlugs();
        }
        List<String> out = new ArrayList<>(workspaceIds.length);
        for (long w : workspaceIds) {
            String slug = state.workspaceSlugs().get(w);
            if (slug != null) {
                out.add(slug);
            }
        }
        out.sort(null);
        return out;
    }

    /** The actor shown for this key: the owner for personal keys, the key's name otherwise. */
    public String actor() {
        return kind == KeyKind.PERSONAL ? ownerSubject : name;
    }

    /** The actor as a header value: control characters (a subject could carry them) removed. */
    public String actorHeader() {
        String a = actor();
        if (a == null) {
            return "";
        }
        for (int i = 0; i < a.length(); i++) {
            if (Character.isISOControl(a.charAt(i))) {
                return a.replaceAll("\\p{Cntrl}", "");
            }
        }
        return a;
    }
}
