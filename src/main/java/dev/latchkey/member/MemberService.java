package dev.latchkey.member;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.Page;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.member.MemberDtos.MemberView;
import dev.latchkey.member.MemberDtos.PutMember;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.tenant.Member;
import dev.latchkey.tenant.Members;
import dev.latchkey.vocabulary.OrgRole;
import dev.latchkey.workspace.Workspace;
import dev.latchkey.workspace.WorkspaceDeleted;
import dev.latchkey.workspace.Workspaces;

/**
 * Members of an organization. Owners and admins manage members; only owners appoint, change or remove owners; the last
 * owner stays. A member may read their own membership.
 */
@ApplicationScoped
@Transactional
public class MemberService {

    /** JWT subjects: printable, no control characters, at most 255 characters. */
    private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1,255}");

    private final OrgAccess access;
    private final RoleCatalog roles;
    private final AuditLog audit;
    private final Clock clock;
    private final Event<MemberChanged> changed;
    private final Bodies bodies;
    private final Members members;
    private final Workspaces workspaces;

    public MemberService(OrgAccess access, RoleCatalog roles, AuditLog audit, Clock clock, Event<MemberChanged> changed,
            Bodies bodies, Members members, Workspaces workspaces) {
        this.members = members;
        this.workspaces = workspaces;
        this.bodies = bodies;
        this.access = access;
        this.roles = roles;
        this.audit = audit;
        this.clock = clock;
        this.changed = changed;
    }

    /** One page of members, oldest first. */
    public Page<MemberView> list(String orgSlug, String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        Page<Member> page = members.page(ctx.orgId(), limit, cursor);
        Map<Long, String> slugs = slugs(ctx.orgId());
        return page.map(m -> view(m, slugs));
    }

    /** Reads a membership: managers read any, members their own. */
    public MemberView get(String orgSlug, String subject) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireMember();
        if (!ctx.isManager() && !ctx.member().subject.equals(subject)) {
            throw ApiException.forbidden("Members may only read their own membership");
        }
        Member m = members.findBySubject(ctx.orgId(), subject).orElseThrow(() -> ApiException.notFound("Member"));
        return view(m, slugs(ctx.orgId()));
    }

    /** Adds or replaces a membership; {@code created} tells which. */
    public Result put(String orgSlug, String subject, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw ApiException.invalid("subject", "must be 1 to 255 characters without control characters");
        }
        PutMember request = bodies.read(body, PutMember.class);
        List<FieldError> errors = new ArrayList<>();
        OrgRole orgRole = request.orgRole() == null ? OrgRole.MEMBER : OrgRole.fromWire(request.orgRole());
        if (orgRole == null) {
            errors.add(new FieldError("orgRole", "must be one of owner, admin, member"));
        }
        Map<String, List<String>> known = roles.rolesOf(ctx.orgId());
        if (request.role() != null && !known.containsKey(request.role())) {
            errors.add(new FieldError("role", "no such role: " + request.role()));
        }
        Map<Long, String> wsRoles = new HashMap<>();
        Map<String, String> requested = request.workspaceRoles() == null ? Map.of() : request.workspaceRoles();
        for (Map.Entry<String, String> e : new TreeMap<>(requested).entrySet()) {
            Workspace ws = workspaces.findLive(ctx.orgId(), e.getKey()).orElse(null);
            if (ws == null) {
                errors.add(new FieldError("workspaceRoles." + e.getKey(), "no such workspace"));
            } else if (e.getValue() == null || !known.containsKey(e.getValue())) {
                errors.add(new FieldError("workspaceRoles." + e.getKey(), "no such role: " + e.getValue()));
            } else {
                wsRoles.put(ws.id, e.getValue());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }

        Member m = members.findBySubject(ctx.orgId(), subject).orElse(null);
        boolean owners = orgRole == OrgRole.OWNER || (m != null && OrgRole.OWNER.wire().equals(m.orgRole));
        if (owners && !ctx.isOwner()) {
            throw ApiException.forbidden("Only owners may appoint, change or remove owners");
        }
        if (m != null && OrgRole.OWNER.wire().equals(m.orgRole) && orgRole != OrgRole.OWNER) {
            requireAnotherOwner(ctx.orgId());
        }
        Instant now = clock.instant();
        boolean created = m == null;
        Map<String, Object> before = m == null ? null : snapshot(m, slugs(ctx.orgId()));
        if (created) {
            m = new Member();
            m.organizationId = ctx.orgId();
            m.subject = subject;
            m.createdAt = now;
        }
        m.orgRole = orgRole.wire();
        m.role = request.role();
        m.workspaceRoles.clear();
        m.workspaceRoles.putAll(wsRoles);
        m.updatedAt = now;
        if (created) {
            members.insert(m);
        } else {
            members.update(m);
        }
        Map<Long, String> slugs = slugs(ctx.orgId());
        MemberView view = view(m, slugs);
        Map<String, Object> after = snapshot(m, slugs);
        if (created) {
            audit.record(ctx.orgId(), "member.added", "member", subject, subject, after);
        } else if (!after.equals(before)) {
            audit.record(ctx.orgId(), "member.updated", "member", subject, subject,
                    Map.of("from", before, "to", after));
        }
        changed.fire(new MemberChanged(ctx.orgId(), subject));
        return new Result(view, created);
    }

    /** Removes a member; their personal keys stop working at once (they no longer hold anything). */
    public void remove(String orgSlug, String subject) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        Member m = members.findBySubject(ctx.orgId(), subject).orElseThrow(() -> ApiException.notFound("Member"));
        if (OrgRole.OWNER.wire().equals(m.orgRole)) {
            if (!ctx.isOwner()) {
                throw ApiException.forbidden("Only owners may appoint, change or remove owners");
            }
            requireAnotherOwner(ctx.orgId());
        }
        members.delete(m);
        audit.record(ctx.orgId(), "member.removed", "member", subject, subject, Map.of("orgRole", m.orgRole));
        changed.fire(new MemberChanged(ctx.orgId(), subject));
    }

    /** A deleted workspace disappears from every member's workspace roles. */
    void onWorkspaceDeleted(@Observes WorkspaceDeleted event) {
        for (Member m : members.ofOrganization(event.organizationId())) {
            if (m.workspaceRoles.remove(event.workspaceId()) != null) {
                m.updatedAt = clock.instant();
                members.update(m);
                changed.fire(new MemberChanged(event.organizationId(), m.subject));
            }
        }
    }

    private void requireAnotherOwner(long orgId) {
        if (members.owners(orgId) <= 1) {
            throw ApiException.conflict("An organization keeps at least one owner");
        }
    }

    private Map<Long, String> slugs(long orgId) {
        Map<Long, String> slugs = new HashMap<>();
        for (Workspace w : workspaces.listLive(orgId)) {
            slugs.put(w.id, w.slug);
        }
        return slugs;
    }

    private static Map<String, Object> snapshot(Member m, Map<Long, String> slugs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("orgRole", m.orgRole);
        s.put("role", m.role);
        s.put("workspaceRoles", wsRolesBySlug(m, slugs));
        return s;
    }

    private static Map<String, String> wsRolesBySlug(Member m, Map<Long, String> slugs) {
        Map<String, String> bySlug = new TreeMap<>();
        m.workspaceRoles.forEach((id, role) -> {
            String slug = slugs.get(id);
            if (slug != null) {
                bySlug.put(slug, role);
            }
        });
        return bySlug;
    }

    private static MemberView view(Member m, Map<Long, String> slugs) {
        return new MemberView(m.subject, m.orgRole, m.role, wsRolesBySlug(m, slugs), m.createdAt, m.updatedAt);
    }

    /** The outcome of a PUT. */
    public record Result(MemberView member, boolean created) {
    }
}
