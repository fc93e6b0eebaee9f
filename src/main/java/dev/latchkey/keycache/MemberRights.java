package dev.latchkey.keycache;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.latchkey.vocabulary.Permissions;

/**
 * What the owner of personal keys holds in their organization: org role, org-wide role and per-workspace roles, by
 * name. Names are resolved against the current {@link OrgState} at verify time, so a role change needs no member
 * reload. Immutable.
 *
 * @param member
 *            false when the subject is no longer a member (their personal keys are FORBIDDEN)
 * @param fingerprint
 *            the database's hash of the member row and its workspace roles (0 for a non-member)
 */
public record MemberRights(boolean member, boolean manager, String role, Map<Long, String> workspaceRoles,
        long fingerprint) {

    /** Not a member of the organization. */
    public static final MemberRights ABSENT = new MemberRights(false, false, null, Map.of(), 0);

    /** The permissions held on a workspace ({@code workspaceId} null: the org-wide role only). */
    public Set<String> holds(OrgState org, Long workspaceId) {
        if (!member) {
            return Set.of();
        }
        if (manager) {
            return Set.of(Permissions.ALL);
        }
        List<String> orgWide = org.role(role).permissions();
        String wsRole = workspaceId == null ? null : workspaceRoles.get(workspaceId);
        return wsRole == null ? Set.copyOf(orgWide) : Permissions.union(orgWide, org.role(wsRole).permissions());
    }
}
