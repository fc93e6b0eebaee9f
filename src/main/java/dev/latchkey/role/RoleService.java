package dev.latchkey.role;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.Cursor;
import dev.latchkey.common.Page;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.role.RoleDtos.CreateRole;
import dev.latchkey.role.RoleDtos.RoleView;
import dev.latchkey.role.RoleDtos.UpdateRole;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;

/** Roles: the four built-ins are immutable; custom roles are managed by owners and admins. */
@ApplicationScoped
@Transactional
public class RoleService {

    private final OrgAccess access;
    private final AuditLog audit;
    private final Clock clock;
    private final Event<RoleChanged> changed;
    private final Bodies bodies;
    private final Roles roles;

    public RoleService(OrgAccess access, AuditLog audit, Clock clock, Event<RoleChanged> changed, Bodies bodies,
            Roles roles) {
        this.roles = roles;
        this.bodies = bodies;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.changed = changed;
    }

    /** One page of roles (built-in and custom) ordered by name. */
    public Page<RoleView> list(String orgSlug, String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireMember();
        int n = Cursor.limit(limit);
        String after = Cursor.decode(cursor);
        List<RoleView> merged = new ArrayList<>();
        RoleCatalog.BUILT_IN.forEach((name, perms) -> {
            if (after == null || name.compareTo(after) > 0) {
                merged.add(new RoleView(name, perms, true, null, null));
            }
        });
        List<Role> custom = roles.namedAfter(ctx.orgId(), after, n + 1);
        custom.forEach(r -> merged.add(view(r)));
        merged.sort(Comparator.comparing(RoleView::name));
        return Cursor.page(merged.size() > n + 1 ? merged.subList(0, n + 1) : merged, n, RoleView::name);
    }

    /** Reads a role. */
    public RoleView get(String orgSlug, String name) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireMember();
        List<String> builtIn = RoleCatalog.BUILT_IN.get(name);
        if (builtIn != null) {
            return new RoleView(name, builtIn, true, null, null);
        }
        return view(find(ctx, name));
    }

    /** Creates a custom role. */
    public RoleView create(String orgSlug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        CreateRole request = bodies.read(body, CreateRole.class);
        if (RoleCatalog.isBuiltIn(request.name()) || roles.findByName(ctx.orgId(), request.name()).isPresent()) {
            throw ApiException.conflict("A role named '" + request.name() + "' already exists");
        }
        Instant now = clock.instant();
        Role r = new Role();
        r.organizationId = ctx.orgId();
        r.name = request.name();
        r.permissions = distinct(request.permissions());
        r.createdAt = now;
        r.updatedAt = now;
        roles.insert(r);
        audit.record(ctx.orgId(), "role.created", "role", r.name, r.name,
                Map.of("permissions", List.of(r.permissions)));
        return view(r);
    }

    /** Replaces the permissions of a custom role; affects its members and keys at once. */
    public RoleView update(String orgSlug, String name, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        UpdateRole request = bodies.read(body, UpdateRole.class);
        if (RoleCatalog.isBuiltIn(name)) {
            throw ApiException.conflict("Built-in roles are immutable");
        }
        Role r = find(ctx, name);
        if (request.name() != null && !request.name().equals(name)) {
            throw ApiException.invalid("name", "roles cannot be renamed; create a new role instead");
        }
        List<String> before = List.of(r.permissions);
        r.permissions = distinct(request.permissions());
        r.updatedAt = clock.instant();
        roles.update(r);
        audit.record(ctx.orgId(), "role.updated", "role", r.name, r.name,
                Map.of("permissions", Map.of("from", before, "to", List.of(r.permissions))));
        changed.fire(new RoleChanged(ctx.orgId(), r.name));
        return view(r);
    }

    /** Deletes a custom role that no member and no live key uses. */
    public void delete(String orgSlug, String name) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        if (RoleCatalog.isBuiltIn(name)) {
            throw ApiException.conflict("Built-in roles are immutable");
        }
        Role r = find(ctx, name);
        long members = roles.membersUsing(ctx.orgId(), name);
        long keys = roles.liveKeysUsing(ctx.orgId(), name);
        if (members > 0 || keys > 0) {
            throw ApiException.conflict("Role '" + name + "' is in use by " + members + " member(s) and " + keys
                    + " key(s); reassign them first");
        }
        roles.delete(r);
        audit.record(ctx.orgId(), "role.deleted", "role", name, name, null);
        changed.fire(new RoleChanged(ctx.orgId(), name));
    }

    private Role find(OrgContext ctx, String name) {
        return roles.findByName(ctx.orgId(), name).orElseThrow(() -> ApiException.notFound("Role"));
    }

    private static String[] distinct(List<String> permissions) {
        return new LinkedHashSet<>(permissions).toArray(String[]::new);
    }

    private static RoleView view(Role r) {
        return new RoleView(r.name, Arrays.asList(r.permissions), false, r.createdAt, r.updatedAt);
    }
}
