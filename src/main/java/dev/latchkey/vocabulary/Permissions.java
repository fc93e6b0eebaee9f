package dev.latchkey.vocabulary;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

    private Permissions() {
    }

    /** Whether {@code p} is a syntactically valid permission (a character loop: this runs on the hot path). */
    public static boolean isValid(String p) {
        if (p == null || p.isEmpty() || p.length() > MAX_LENGTH) {
            return false;
        }
        int length = 0; // of the current segment
        boolean star = false; // the current segment holds a '*'
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == ':') {
                if (length == 0 || (star && length != 1)) {
                    return false;
                }
                length = 0;
                star = false;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-') {
                length++;
            } else if (c == '*') {
                length++;
                star = true;
            } else {
                return false;
            }
        }
        return length > 0 && (!star || length == 1); // '*' only as a whole segment
    }

    /**
     * Whether the held pattern {@code held} covers {@code wanted}. A {@code *} in {@code wanted} is matched literally,
     * so this also answers "is pattern {@code wanted} a subset of {@code held}". Walks both strings in place.
     */
    /**
     * A comma-separated list of permissions as gateways send it ({@code X-Latchkey-Permission}, a context extension),
     * trimmed; null when any entry is not a permission.
     */
    public static List<String> parseList(String commaSeparated) {
        List<String> out = new ArrayList<>(2);
        for (String p : commaSeparated.split(",")) { // one character: split takes no regex
            String t = p.trim();
            if (!isValid(t)) {
                return null;
            }
            out.add(t);
        }
        return out;
    }

    public static boolean covers(String held, String wanted) {
        if (held.equals(ALL) || held.equals(wanted)) {
            return true;
        }
        int hi = 0;
        int wi = 0;
        while (true) {
            int he = held.indexOf(':', hi);
            boolean heldLast = he < 0;
            if (heldLast) {
                he = held.length();
            }
            int we = wanted.indexOf(':', wi);
            boolean wantedLast = we < 0;
            if (wantedLast) {
                we = wanted.length();
            }
            boolean star = he - hi == 1 && held.charAt(hi) == '*';
            if (star) {
                if (heldLast) {
                    return true; // a trailing * covers one or more segments
                }
            } else if (he - hi != we - wi || !held.regionMatches(hi, wanted, wi, he - hi)) {
                return false;
            }
            if (heldLast) {
                return wantedLast;
            }
            if (wantedLast) {
                return false; // held has more segments than wanted
            }
            hi = he + 1;
            wi = we + 1;
        }
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
