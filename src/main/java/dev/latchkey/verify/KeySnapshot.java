package dev.latchkey.verify;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.latchkey.apikey.KeyKind;
import dev.latchkey.common.Cidr;
import dev.latchkey.security.Permissions;

/**
 * Everything a verify answer needs about one key (and its permissions already joined for the gateway header), resolved
 * at load time (role permissions, covered workspaces, a personal key's owner rights) so that the hot path reads memory
 * only. Immutable: a change anywhere replaces the whole snapshot.
 */
public record KeySnapshot(long id, String keyId, long orgId, String orgSlug, KeyKind kind, String prefix, String name,
        byte[] secretHash, byte[] previousSecretHash, Instant previousSecretExpiresAt, Instant expiresAt,
        boolean revoked, boolean enabled, List<String> permissions, boolean allWorkspaces, Set<String> workspaces,
        List<String> orgWorkspaces, String ownerSubject, Owner owner, String metaJson, Integer rateLimit,
        Integer rateLimitWindowSeconds, List<Cidr> ipAllowlist, String permissionsHeader) {

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

    /** The workspaces the key reaches now (all live workspaces for an organization-wide key). */
    public List<String> coveredWorkspaces() {
        return allWorkspaces ? orgWorkspaces : workspaces.stream().sorted().toList();
    }

    /** Whether the key reaches a workspace. */
    public boolean covers(String workspace) {
        return allWorkspaces ? orgWorkspaces.contains(workspace) : workspaces.contains(workspace);
    }

    /** The actor shown for this key: the owner for personal keys, the key's name otherwise. */
    public String actor() {
        return kind == KeyKind.PERSONAL ? ownerSubject : name;
    }

    /** What a personal key's owner holds right now. {@code member} false: removed from the organization. */
    public record Owner(boolean member, boolean manager, List<String> orgWide, Map<String, List<String>> byWorkspace) {

        /** The owner's permissions on a workspace; null workspace: org-wide only. */
        public Set<String> holds(String workspace) {
            if (!member) {
                return Set.of();
            }
            if (manager) {
                return Set.of(Permissions.ALL);
            }
            List<String> ws = workspace == null ? List.of() : byWorkspace.getOrDefault(workspace, List.of());
            return Permissions.union(orgWide, ws);
        }
    }
}
