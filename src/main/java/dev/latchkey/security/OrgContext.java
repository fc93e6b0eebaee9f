package dev.latchkey.security;

import dev.latchkey.error.ApiException;
import dev.latchkey.tenant.Member;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.OrgRole;

/**
 * An organization as seen by the current caller, after the tenant guard: the caller belongs to it (member or admin
 * key), or is a platform admin reading it. Carries the authorization checks of README, "Concepts and the security
 * model" for management routes.
 */
public record OrgContext(long orgId, String orgSlug, String orgName, Caller caller, Member member) {

    /** Owner or org admin. */
    public boolean isManager() {
        return member != null && OrgRole.fromWire(member.orgRole).manages();
    }

    /** Owner. */
    public boolean isOwner() {
        return member != null && OrgRole.OWNER.wire().equals(member.orgRole);
    }

    /** An admin key of this organization. */
    public boolean isAdminKey() {
        return caller instanceof Caller.Key k && k.kind() == KeyKind.ADMIN;
    }

    /** Owners, admins and admin keys manage every key of the organization. */
    public boolean managesAllKeys() {
        return isManager() || isAdminKey();
    }

    /** Routes that change the organization (workspaces, roles, members) or read its audit log. */
    public void requireManager() {
        if (!isManager()) {
            throw ApiException.forbidden(isAdminKey() ? "Admin keys may only call the key-management API"
                    : "Only owners and admins of the organization may do this");
        }
    }

    /** Routes any member may read (workspaces, roles); admin keys are for key management only. */
    public void requireMember() {
        if (member == null) {
            throw ApiException.forbidden(isAdminKey() ? "Admin keys may only call the key-management API"
                    : "Only members of the organization may do this");
        }
    }

    /** Key routes: members (their own personal keys) and managers or admin keys (every key). */
    public void requireKeyAccess() {
        if (member == null && !isAdminKey()) {
            throw ApiException.forbidden("Only members and admin keys of the organization may manage keys");
        }
    }
}
