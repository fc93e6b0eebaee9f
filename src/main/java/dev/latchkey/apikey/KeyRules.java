package dev.latchkey.apikey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyDtos.RateLimitInput;
import dev.latchkey.apikey.KeyDtos.ScopeInput;
import dev.latchkey.common.Patterns;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.limit.Refill;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.Permissions;
import dev.latchkey.vocabulary.route.RouteRules;
import dev.latchkey.workspace.Workspace;
import dev.latchkey.workspace.Workspaces;

/**
 * Field rules for keys, shared by create and update so that both accept and refuse exactly the same values. Each method
 * validates one field, adds its errors to the list and returns the normalized value.
 */
@ApplicationScoped
class KeyRules {

    static final int MAX_META_BYTES = 4096;
    static final int MAX_ALLOWLIST = 100;
    static final int MAX_WORKSPACES = 1000;
    static final int MAX_RATE_LIMIT = 1_000_000_000;
    static final int MAX_WINDOW_SECONDS = 86_400;
    static final int MAX_GRACE_SECONDS = 7 * 86_400;
    private static final Pattern KEY_NAME = Pattern.compile(Patterns.KEY_NAME);

    private final ObjectMapper json;
    private final Workspaces workspaces;

    KeyRules(ObjectMapper json, Workspaces workspaces) {
        this.workspaces = workspaces;
        this.json = json;
    }

    /** The grant of a key: a role (its permissions resolved) or explicit permissions. */
    record Grant(String role, List<String> explicit, List<String> effective) {
    }

    /** The normalized scope: workspace ids, or all workspaces. */
    record Scope(String type, boolean all, Set<Long> workspaceIds) {
    }

    /** The normalized rate limit. */
    record RateLimit(int limit, int windowSeconds) {
    }

    String name(String name, List<FieldError> errors) {
        if (name != null && !KEY_NAME.matcher(name).matches()) {
            errors.add(new FieldError("name",
                    "must be 1 to 64 letters, digits, spaces, '-', '_' or '.', not starting or ending with a space"));
        }
        return name;
    }

    Grant grant(String role, List<String> permissions, Map<String, List<String>> roles, List<FieldError> errors) {
        if ((role == null) == (permissions == null)) {
            errors.add(new FieldError("role", "give either role or permissions"));
            return null;
        }
        if (role != null) {
            List<String> perms = roles.get(role);
            if (perms == null) {
                errors.add(new FieldError("role", "no such role: " + role));
                return null;
            }
            return new Grant(role, null, perms);
        }
        List<String> perms = permissions(permissions, errors);
        return perms == null ? null : new Grant(null, perms, perms);
    }

    List<String> permissions(List<String> permissions, List<FieldError> errors) {
        if (permissions.size() > Permissions.MAX_COUNT) {
            errors.add(new FieldError("permissions", "at most " + Permissions.MAX_COUNT + " permissions"));
            return null;
        }
        int before = errors.size();
        for (int i = 0; i < permissions.size(); i++) {
            if (!Permissions.isValid(permissions.get(i))) {
                errors.add(new FieldError("permissions[" + i + "]",
                        "must be ':'-separated segments of [a-z0-9_.-] or '*', at most " + Permissions.MAX_LENGTH
                                + " characters"));
            }
        }
        return errors.size() == before ? List.copyOf(new LinkedHashSet<>(permissions)) : null;
    }

    Scope scope(ScopeInput scope, long orgId, List<FieldError> errors) {
        if (scope == null) {
            errors.add(new FieldError("scope", "is required"));
            return null;
        }
        if ("workspace".equals(scope.type())) {
            if (scope.workspaces() != null || scope.allWorkspaces() != null) {
                errors.add(new FieldError("scope", "a workspace scope takes only 'workspace'"));
                return null;
            }
            if (scope.workspace() == null) {
                errors.add(new FieldError("scope.workspace", "is required"));
                return null;
            }
            Workspace ws = workspaces.findLive(orgId, scope.workspace()).orElse(null);
            if (ws == null) {
                errors.add(new FieldError("scope.workspace", "no such workspace: " + scope.workspace()));
                return null;
            }
            return new Scope("workspace", false, Set.of(ws.id));
        }
        if ("organization".equals(scope.type())) {
            if (scope.workspace() != null) {
                errors.add(new FieldError("scope.workspace",
                        "an organization scope takes 'workspaces' or 'allWorkspaces'"));
                return null;
            }
            boolean all = Boolean.TRUE.equals(scope.allWorkspaces());
            if (all == (scope.workspaces() != null)) {
                errors.add(new FieldError("scope", "give either workspaces or allWorkspaces: true"));
                return null;
            }
            if (all) {
                return new Scope("organization", true, Set.of());
            }
            if (scope.workspaces().isEmpty() || scope.workspaces().size() > MAX_WORKSPACES) {
                errors.add(new FieldError("scope.workspaces", "must list 1 to " + MAX_WORKSPACES + " workspaces"));
                return null;
            }
            Set<Long> ids = new LinkedHashSet<>();
            for (int i = 0; i < scope.workspaces().size(); i++) {
                String slug = scope.workspaces().get(i);
                Workspace ws = slug == null ? null : workspaces.findLive(orgId, slug).orElse(null);
                if (ws == null) {
                    errors.add(new FieldError("scope.workspaces[" + i + "]", "no such workspace: " + slug));
                } else {
                    ids.add(ws.id);
                }
            }
            return new Scope("organization", false, ids);
        }
        errors.add(new FieldError("scope.type", "must be workspace or organization"));
        return null;
    }

    RateLimit rateLimit(RateLimitInput rateLimit, List<FieldError> errors) {
        if (rateLimit == null) {
            return null;
        }
        int before = errors.size();
        if (rateLimit.limit() == null || rateLimit.limit() < 1 || rateLimit.limit() > MAX_RATE_LIMIT) {
            errors.add(new FieldError("rateLimit.limit", "must be an integer from 1 to " + MAX_RATE_LIMIT));
        }
        if (rateLimit.windowSeconds() == null || rateLimit.windowSeconds() < 1
                || rateLimit.windowSeconds() > MAX_WINDOW_SECONDS) {
            errors.add(new FieldError("rateLimit.windowSeconds", "must be an integer from 1 to " + MAX_WINDOW_SECONDS));
        }
        return errors.size() == before ? new RateLimit(rateLimit.limit(), rateLimit.windowSeconds()) : null;
    }

    /** A validated quota: units left and the refill, or null. */
    record Quota(long remaining, Refill refill) {
    }

    /** Most units a quota may hold. */
    static final long MAX_QUOTA = Refill.MAX_AMOUNT;

    Quota quota(KeyDtos.QuotaInput quota, List<FieldError> errors) {
        if (quota == null) {
            return null;
        }
        int before = errors.size();
        if (quota.remaining() == null || quota.remaining() < 0 || quota.remaining() > MAX_QUOTA) {
            errors.add(new FieldError("quota.remaining", "must be an integer from 0 to " + MAX_QUOTA));
        }
        Refill refill = null;
        if (quota.refill() != null) {
            KeyDtos.RefillInput r = quota.refill();
            if (r.amount() == null || r.amount() < 1 || r.amount() > MAX_QUOTA) {
                errors.add(new FieldError("quota.refill.amount", "must be an integer from 1 to " + MAX_QUOTA));
            } else {
                try {
                    refill = new Refill(r.amount(), r.interval());
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("quota.refill.interval", e.getMessage()));
                }
            }
        }
        return errors.size() == before ? new Quota(quota.remaining(), refill) : null;
    }

    List<String> ipAllowlist(List<String> cidrs, List<FieldError> errors) {
        if (cidrs == null) {
            return null;
        }
        if (cidrs.size() > MAX_ALLOWLIST) {
            errors.add(new FieldError("ipAllowlist", "at most " + MAX_ALLOWLIST + " entries"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                String normalized = Cidr.parse(cidrs.get(i)).toString();
                if (!out.contains(normalized)) {
                    out.add(normalized);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("ipAllowlist[" + i + "]", "must be an IPv4 or IPv6 address or CIDR"));
            }
        }
        return out;
    }

    Map<String, Object> meta(Map<String, Object> meta, List<FieldError> errors) {
        if (meta == null) {
            return null;
        }
        try {
            if (json.writeValueAsBytes(meta).length > MAX_META_BYTES) {
                errors.add(new FieldError("meta", "must be at most " + MAX_META_BYTES + " bytes of JSON"));
            }
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("meta", "must be a JSON object"));
        }
        return meta;
    }

    Instant expiresAt(Instant expiresAt, Instant now, List<FieldError> errors) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            errors.add(new FieldError("expiresAt", "must be in the future"));
        }
        // stored with PostgreSQL's microsecond precision: answer with what is stored
        return expiresAt == null ? null : expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    int gracePeriod(Integer seconds, List<FieldError> errors) {
        if (seconds == null) {
            return 0;
        }
        if (seconds < 0 || seconds > MAX_GRACE_SECONDS) {
            errors.add(new FieldError("gracePeriodSeconds", "must be from 0 to " + MAX_GRACE_SECONDS + " (7 days)"));
        }
        return seconds;
    }

    static final String ROUTES = "routes";

    /** Route rules: at most 50, each a valid pattern (see RouteRules); null: any route. Stored forms. */
    List<String> routes(List<KeyDtos.Route> routes, List<FieldError> errors) {
        if (routes == null) {
            return null;
        }
        if (routes.isEmpty() || routes.size() > RouteRules.MAX_RULES) {
            errors.add(new FieldError(ROUTES, "must list 1 to " + RouteRules.MAX_RULES + " rules (null: any route)"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            KeyDtos.Route r = routes.get(i);
            if (r == null) {
                errors.add(new FieldError(ROUTES + "[" + i + "]", "must be an object"));
                continue;
            }
            try {
                out.add(RouteRules.rule(r.methods(), r.path()).stored());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(ROUTES + "[" + i + "]", e.getMessage()));
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** An admin key's grant: none may be asked for beyond {@code admin} (they manage keys only). */
    Grant adminGrant(String role, List<String> permissions, List<FieldError> errors) {
        if ((role != null && !role.equals("admin")) || (permissions != null && !permissions.equals(List.of("*")))) {
            errors.add(new FieldError("role", "admin keys carry no role or permissions (they manage keys only)"));
        }
        return new Grant("admin", null, RoleCatalog.BUILT_IN.get("admin"));
    }

    /** An admin key's scope: always the whole organization. */
    Scope adminScope(ScopeInput scope, List<FieldError> errors) {
        if (scope != null && !("organization".equals(scope.type()) && Boolean.TRUE.equals(scope.allWorkspaces())
                && scope.workspaces() == null && scope.workspace() == null)) {
            errors.add(new FieldError("scope", "admin keys always cover the whole organization"));
        }
        return new Scope("organization", true, Set.of());
    }
}
