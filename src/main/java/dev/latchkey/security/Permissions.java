package dev.latchkey.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The permission calculus. A permission is {@code [a-z0-9_.:-]+} made of {@code :}-separated segments, where a whole
 * segment may be {@code *}. A {@code *} in the middle stands for exactly one segment; a trailing {@code *} for one or
 * more (so {@code *} alone is everything and {@code documents:*} covers {@code documents:read} and
 * {@code documents:read:own}).
 */
public final class Permissions {

    public static final String ALL = "*";
    public static final int MAX_LENGTH = 128;
    public static final int MAX_COUNT = 100;
    private static final Pattern SEGMENT = Pattern.compile("\\*|[a-z0-9_.-]+");

    private Permissions() {
    }

    /** Whether {@code p} is a syntactically valid permission. */
    public static boolean isValid(String p) {
        if (p == null || p.isEmpty() || p.length() > MAX_LENGTH) {
            return false;
        }
        for (String segment : p.split(":", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the held pattern {@code held} covers {@code wanted}. A {@code *} in {@code wanted} is matched literally,
     * so this also answers "is pattern {@code wanted} a subset of {@code held}".
     */
    public static boolean covers(String held, String wanted) {
        if (held.equals(ALL) || held.equals(wanted)) {
            return true;
        }
        String[] h = held.split(":", -1);
        String[] w = wanted.split(":", -1);
        for (int i = 0; i < h.length; i++) {
            boolean last = i == h.length - 1;
            if (i >= w.length) {
                return false;
            }
            if (h[i].equals(ALL)) {
                if (last) {
                    return true;
                }
                continue;
            }
            if (!h[i].equals(w[i])) {
                return false;
            }
        }
        return h.length == w.length;
    }

    /** Whether some permission of {@code held} covers {@code wanted}. */
    public static boolean anyCovers(Collection<String> held, String wanted) {
        for (String h : held) {
            if (covers(h, wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The permissions of {@code wanted} that {@code held} does not cover (empty: a subset). */
    public static List<String> notCovered(Collection<String> held, Collection<String> wanted) {
        List<String> missing = new ArrayList<>();
        for (String w : wanted) {
            if (!anyCovers(held, w)) {
                missing.add(w);
            }
        }
        return missing;
    }

    /**
     * The intersection of two permission sets as patterns: every permission of one side that the other side covers.
     * Used to show what a personal key may do under its owner's current rights.
     */
    public static Set<String> intersect(Collection<String> a, Collection<String> b) {
        Set<String> out = new TreeSet<>();
        for (String x : a) {
            if (anyCovers(b, x)) {
                out.add(x);
            }
        }
        for (String y : b) {
            if (anyCovers(a, y)) {
                out.add(y);
            }
        }
        // drop entries covered by another, broader entry of the result
        Set<String> reduced = new TreeSet<>();
        for (String p : out) {
            boolean redundant = false;
            for (String q : out) {
                if (!q.equals(p) && covers(q, p)) {
                    redundant = true;
                    break;
                }
            }
            if (!redundant) {
                reduced.add(p);
            }
        }
        return reduced;
    }

    /** Union preserving order. */
    public static Set<String> union(Collection<String> a, Collection<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}
