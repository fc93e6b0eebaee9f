package dev.latchkey.organization;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.organization.OrganizationDtos.CreateOrg;
import dev.latchkey.organization.OrganizationDtos.OrgView;
import dev.latchkey.organization.OrganizationDtos.UpdateOrg;
import dev.latchkey.security.Caller;
import dev.latchkey.security.CallerResolver;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.tenant.Member;
import dev.latchkey.tenant.Members;
import dev.latchkey.tenant.Organization;
import dev.latchkey.tenant.Organizations;
import dev.latchkey.vocabulary.OrgRole;

/** Creating and reading organizations. Only platform administrators create them. */
@ApplicationScoped
@Transactional
public class OrganizationService {

    private final CallerResolver callers;
    private final OrgAccess access;
    private final AuditLog audit;
    private final Clock clock;
    private final Bodies bodies;
    private final Organizations organizations;
    private final Members members;

    public OrganizationService(CallerResolver callers, OrgAccess access, AuditLog audit, Clock clock, Bodies bodies,
            Organizations organizations, Members members) {
        this.organizations = organizations;
        this.members = members;
        this.bodies = bodies;
        this.callers = callers;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /** Creates an organization and appoints its first owner. */
    public OrgView create(JsonNode body) {
        Caller caller = callers.current();
        if (!(caller instanceof Caller.User user) || !user.platformAdmin()) {
            throw ApiException.forbidden("Only platform administrators may create organizations");
        }
        CreateOrg request = bodies.read(body, CreateOrg.class);
        if (organizations.findBySlug(request.slug()).isPresent()) {
            throw ApiException.conflict("An organization with slug '" + request.slug() + "' already exists");
        }
        Instant now = clock.instant();
        Organization org = new Organization();
        org.slug = request.slug();
        org.name = request.name().strip();
        org.createdAt = now;
        organizations.insert(org);

        Member owner = new Member();
        owner.organizationId = org.id;
        owner.subject = request.owner();
        owner.orgRole = OrgRole.OWNER.wire();
        owner.createdAt = now;
        owner.updatedAt = now;
        members.insert(owner);

        audit.record(org.id, "org.created", "organization", org.slug, org.name, Map.of("owner", owner.subject));
        audit.record(org.id, "member.added", "member", owner.subject, owner.subject, Map.of("orgRole", owner.orgRole));
        return OrgView.from(org);
    }

    /** Changes the organization's leak policy (owners and admins), audited as {@code org.updated}. */
    public OrgView update(String orgSlug, JsonNode body) {
        var ctx = access.resolve(orgSlug);
        ctx.requireManager();
        UpdateOrg request = bodies.read(body, UpdateOrg.class);
        Organization org = organizations.findById(ctx.orgId());
        if (!request.leakPolicy().equals(org.leakPolicy)) {
            audit.record(org.id, "org.updated", "organization", org.slug, org.name,
                    Map.of("leakPolicy", Map.of("from", org.leakPolicy, "to", request.leakPolicy())));
            organizations.setLeakPolicy(org.id, request.leakPolicy());
            org.leakPolicy = request.leakPolicy();
        }
        return OrgView.from(org);
    }

    /** Reads an organization the caller belongs to (or any, for platform admins). */
    public OrgView get(String orgSlug) {
        var ctx = access.resolveForRead(orgSlug);
        if (ctx.isAdminKey()) {
            ctx.requireMember(); // admin keys: key management only
        }
        return OrgView.from(organizations.findById(ctx.orgId()));
    }
}
