package dev.latchkey.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.tenant.Member;
import dev.latchkey.vocabulary.OrgRole;
import dev.latchkey.vocabulary.Permissions;

/**
 * What a member holds (README, "Concepts and the security model"): owners and org admins hold {@code *} on every
 * workspace; a member holds the union of their org-wide role and their role for that workspace.
 */
@ApplicationScoped
public class Authority {

    /**
     * The permissions of {@code member} on a workspace ({@code workspaceId} null: org-wide only, which is also what
     * they hold on workspaces that do not exist yet).
     */
    public Set<String> holds(Member member, Long workspaceId, Map<String, List<String>> roles) {
        if (member == null) {
            return Set.of();
        }
        if (OrgRole.fromWire(member.orgRole).manages()) {
            return Set.of(Permissions.ALL);
        }
        List<String> orgWide = member.role == null ? List.of() : roles.getOrDefault(member.role, List.of());
        String wsRole = workspaceId == null ? null : member.workspaceRoles.get(workspaceId);
        List<String> onWorkspace = wsRole == null ? List.of() : roles.getOrDefault(wsRole, List.of());
        return Permissions.union(orgWide, onWorkspace);
    }

    /** What the caller in {@code ctx} holds on a workspace: everything for managers and admin keys. */
    public Set<String> holds(OrgContext ctx, Long workspaceId, Map<String, List<String>> roles) {
        if (ctx.managesAllKeys()) {
            return Set.of(Permissions.ALL);
        }
        return holds(ctx.member(), workspaceId, roles);
    }
}
