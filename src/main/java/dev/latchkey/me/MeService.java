package dev.latchkey.me;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.latchkey.apikey.ApiKey;
import dev.latchkey.apikey.ApiKeys;
import dev.latchkey.me.MeDtos.Me;
import dev.latchkey.me.MeDtos.Membership;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.Authority;
import dev.latchkey.security.Caller;
import dev.latchkey.security.CallerResolver;
import dev.latchkey.tenant.Member;
import dev.latchkey.tenant.Members;
import dev.latchkey.tenant.Organization;
import dev.latchkey.tenant.Organizations;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.Permissions;
import dev.latchkey.workspace.Workspace;
import dev.latchkey.workspace.Workspaces;

/**
 * {@code /me}: a user's memberships and permissions, or a key's effective permissions per workspace. A personal key's
 * permissions are intersected with its owner's <em>current</em> permissions, so a demotion or removal shows here at
 * once.
 */
@ApplicationScoped
@Transactional
public class MeService {

    private final CallerResolver callers;
    private final RoleCatalog roles;
    private final Authority authority;
    private final ApiKeys keys;
    private final Members members;
    private final Organizations organizations;
    private final Workspaces workspaces;

    public MeService(CallerResolver callers, RoleCatalog roles, Authority authority, ApiKeys keys, Members members,
            Organizations organizations, Workspaces workspaces) {
        this.keys = keys;
        this.members = members;
        this.organizations = organizations;
        this.workspaces = workspaces;
        this.callers = callers;
        this.roles = roles;
        this.authority = authority;
    }

    /** Describes the current caller. */
    public Me me() {
        Caller caller = callers.current();
        if (caller instanceof Caller.User user) {
            List<Membership> memberships = new ArrayList<>();
            for (Member m : members.ofSubject(user.subject())) {
                memberships.add(membership(m));
            }
            return new Me("user", user.subject(), user.platformAdmin(), memberships, null, null, null, null, null, null,
                    null);
        }
        Caller.Key key = (Caller.Key) caller;
        ApiKey k = keys.findByKeyId(key.keyId()).orElseThrow();
        Organization org = organizations.findById(k.organizationId);
        Map<String, List<String>> known = roles.rolesOf(k.organizationId);
        Map<String, List<String>> perms = new TreeMap<>();
        if (key.kind() != KeyKind.ADMIN) {
            List<String> keyPerms = k.role != null ? known.getOrDefault(k.role, List.of()) : List.of(k.permissions);
            Member owner = k.ownerSubject == null ? null
                    : members.findBySubject(k.organizationId, k.ownerSubject).orElse(null);
            for (Workspace ws : workspaces.listLive(k.organizationId)) {
                if (!k.allWorkspaces && !k.workspaceIds.contains(ws.id)) {
                    continue;
                }
                Collection<String> effective = key.kind() == KeyKind.PERSONAL
                        ? Permissions.intersect(keyPerms, authority.holds(owner, ws.id, known)) : keyPerms;
                perms.put(ws.slug, List.copyOf(effective));
            }
        }
        return new Me("key", null, null, null, k.keyId, k.name, k.kind, org.slug, k.ownerSubject,
                key.kind() == KeyKind.ADMIN, perms);
    }

    private Membership membership(Member m) {
        Organization org = organizations.findById(m.organizationId);
        Map<String, List<String>> known = roles.rolesOf(m.organizationId);
        Map<String, String> wsRoles = new TreeMap<>();
        Map<String, List<String>> perms = new LinkedHashMap<>();
        for (Workspace ws : workspaces.listLive(m.organizationId)) {
            String r = m.workspaceRoles.get(ws.id);
            if (r != null) {
                wsRoles.put(ws.slug, r);
            }
            Set<String> held = authority.holds(m, ws.id, known);
            perms.put(ws.slug, List.copyOf(held));
        }
        return new Membership(org.slug, m.orgRole, m.role, wsRoles, List.copyOf(authority.holds(m, null, known)),
                perms);
    }
}
