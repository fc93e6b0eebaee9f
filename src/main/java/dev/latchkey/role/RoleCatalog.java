package dev.latchkey.role;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/** Where role names become permissions: the four immutable built-ins and the organization's custom roles. */
@ApplicationScoped
public class RoleCatalog {

    /** Built-in roles, immutable (README, "Concepts and the security model"). */
    public static final Map<String, List<String>> BUILT_IN;

    static {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("admin", List.of("*"));
        m.put("editor", List.of("read", "write"));
        m.put("viewer", List.of("read"));
        m.put("search", List.of("search"));
        BUILT_IN = java.util.Collections.unmodifiableMap(m);
    }

    private final Roles roles;

    RoleCatalog(Roles roles) {
        this.roles = roles;
    }

    /** Whether {@code name} is a built-in role. */
    public static boolean isBuiltIn(String name) {
        return BUILT_IN.containsKey(name);
    }

    /** Every role of an organization, built-ins first: name -> permissions. */
    public Map<String, List<String>> rolesOf(long organizationId) {
        Map<String, List<String>> all = new LinkedHashMap<>(BUILT_IN);
        for (Role r : roles.listAll(organizationId)) {
            all.put(r.name, Arrays.asList(r.permissions));
        }
        return all;
    }

    /** The permissions of one role, or empty when the organization has no such role. */
    public Optional<List<String>> find(long organizationId, String name) {
        if (name == null) {
            return Optional.empty();
        }
        List<String> builtIn = BUILT_IN.get(name);
        if (builtIn != null) {
            return Optional.of(builtIn);
        }
        return roles.findByName(organizationId, name).map(r -> Arrays.asList(r.permissions));
    }
}
