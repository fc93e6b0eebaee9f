package dev.latchkey.keycache;

import java.util.List;
import java.util.Map;

import dev.latchkey.role.RoleCatalog;

/**
 * What every key of one organization shares, resolved once: its slug, its roles (built-in and custom) and its live
 * workspaces. Immutable; an organization-wide change (a role or workspace) replaces this one object in the
 * organization's {@link OrgHandle}, which every cached key of the organization points to — no key is touched.
 *
 * @param fingerprint
 *            the database's hash of the state this was built from (the resync compares it)
 */
public record OrgState(long id, String slug, Map<String, Grant> roles, Map<Long, String> workspaceSlugs,
        Map<String, Long> workspaceIds, List<String> liveSlugs, long fingerprint) {

    private static final Map<String, Grant> BUILT_IN = builtIn();

    /** The permissions of a role: the organization's custom role, else the built-in, else none. */
    public Grant role(String name) {
        if (name == null) {
            return Grant.NONE;
        }
        Grant g = roles.get(name);
        if (g != null) {
            return g;
        }
        g = BUILT_IN.get(name);
        return g == null ? Grant.NONE : g;
    }

    /** The id of a live workspace by slug, or null. */
    public Long workspaceId(String slug) {
        return slug == null ? null : workspaceIds.get(slug);
    }

    private static Map<String, Grant> builtIn() {
        Map<String, Grant> m = new java.util.HashMap<>();
        RoleCatalog.BUILT_IN.forEach((name, perms) -> m.put(name, Grant.of(perms)));
        return Map.copyOf(m);
    }
}
