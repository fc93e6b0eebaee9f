package dev.latchkey.security;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.error.ApiException;
import dev.latchkey.tenant.Member;
import dev.latchkey.tenant.Members;
import dev.latchkey.tenant.Organization;
import dev.latchkey.tenant.Organizations;
import dev.latchkey.vocabulary.KeyKind;

/**
 * The tenant guard. A caller with no relation to an organization gets the same 404 as for an organization that does not
 * exist, so nobody learns what exists elsewhere. Personal and service keys are refused on the management plane ("keys
 * can't manage keys", seed 000).
 */
@ApplicationScoped
public class OrgAccess {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final CallerResolver callers;
    private final Organizations organizations;
    private final Members members;

    public OrgAccess(CallerResolver callers, Organizations organizations, Members members) {
        this.callers = callers;
        this.organizations = organizations;
        this.members = members;
    }

    /** The slug of the organization an admin key belongs to (the Elastic-compatible API scopes by key). */
    public String slugOf(Caller.Key key) {
        Organization org = organizations.findById(key.organizationId());
        if (org == null) {
            throw ApiException.unauthorized("Invalid credentials");
        }
        return org.slug;
    }

    /** The organization for a member or an admin key of it; 404 otherwise. */
    public OrgContext resolve(String orgSlug) {
        return resolve(orgSlug, false);
    }

    /** Like {@link #resolve}, but platform admins may also read any organization. */
    public OrgContext resolveForRead(String orgSlug) {
        return resolve(orgSlug, true);
    }

    private OrgContext resolve(String orgSlug, boolean platformAdminMayRead) {
        Caller caller = callers.current();
        Organization org = orgSlug != null && SLUG.matcher(orgSlug).matches()
                ? organizations.findBySlug(orgSlug).orElse(null) : null;
        if (org == null) {
            throw ApiException.notFound("Organization");
        }
        if (caller instanceof Caller.Key key) {
            if (key.organizationId() != org.id) {
                throw ApiException.notFound("Organization");
            }
            if (key.kind() != KeyKind.ADMIN) {
                throw ApiException.forbidden("Personal and service keys cannot call the management API");
            }
            return new OrgContext(org.id, org.slug, org.name, caller, null);
        }
        Caller.User user = (Caller.User) caller;
        Optional<Member> member = members.findBySubject(org.id, user.subject());
        if (member.isEmpty() && !(platformAdminMayRead && user.platformAdmin())) {
            throw ApiException.notFound("Organization");
        }
        return new OrgContext(org.id, org.slug, org.name, caller, member.orElse(null));
    }
}
