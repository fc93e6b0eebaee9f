package dev.latchkey.keycache;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * A set of permissions as the hot path uses it: the list (for checks and JSON) and the comma-joined gateway header,
 * built once when the role or key is loaded rather than on every request.
 */
public record Grant(List<String> permissions, String header) {

    /** No permissions (an unknown or deleted role). */
    public static final Grant NONE = new Grant(List.of(), "");

    /** A grant of these permissions, duplicates removed, order kept. */
    public static Grant of(List<String> permissions) {
        if (permissions == null || permissions.isEmpty()) {
            return NONE;
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(permissions));
        return new Grant(distinct, String.join(",", distinct));
    }
}
