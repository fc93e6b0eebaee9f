package dev.latchkey.vocabulary;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The permission calculus: {@code *} segments, subset checks and intersections. */
class PermissionsTest {

    @Test
    void validity() {
        for (String ok : List.of("read", "*", "documents:read", "documents:*", "a.b-c_d:e", "*:read", "x:*:y")) {
            assertTrue(Permissions.isValid(ok), ok);
        }
        for (String bad : List.of("", "Read", "docs:", ":docs", "docs::read", "do*cs", "docs:re*", "a b", "ä",
                "x".repeat(129))) {
            assertFalse(Permissions.isValid(bad), bad);
        }
    }

    @Test
    void starCoversEverything() {
        assertTrue(Permissions.covers("*", "read"));
        assertTrue(Permissions.covers("*", "documents:read:own"));
        assertTrue(Permissions.covers("*", "*"));
    }

    @Test
    void trailingStarCoversOneOrMoreSegments() {
        assertTrue(Permissions.covers("documents:*", "documents:read"));
        assertTrue(Permissions.covers("documents:*", "documents:read:own"));
        assertFalse(Permissions.covers("documents:*", "documents"));
        assertFalse(Permissions.covers("documents:*", "users:read"));
    }

    @Test
    void middleStarCoversExactlyOneSegment() {
        assertTrue(Permissions.covers("*:read", "documents:read"));
        assertFalse(Permissions.covers("*:read", "documents:write"));
        assertFalse(Permissions.covers("*:read", "a:b:read"));
    }

    @Test
    void literalMatchesOnlyItself() {
        assertTrue(Permissions.covers("read", "read"));
        assertFalse(Permissions.covers("read", "write"));
        assertFalse(Permissions.covers("read", "read:all"));
        assertFalse(Permissions.covers("documents:read", "*"));
        assertFalse(Permissions.covers("documents:read", "documents:*"), "a narrower pattern never covers a wider one");
    }

    @Test
    void subsetChecksForMinting() {
        assertEquals(List.of(), Permissions.notCovered(Set.of("read", "write"), List.of("read")));
        assertEquals(List.of("admin"), Permissions.notCovered(Set.of("read", "write"), List.of("read", "admin")));
        assertEquals(List.of("*"), Permissions.notCovered(Set.of("documents:*"), List.of("*")));
        assertEquals(List.of(), Permissions.notCovered(Set.of("*"), List.of("*", "x:y")));
    }

    @Test
    void intersection() {
        assertEquals(Set.of("read"), Permissions.intersect(List.of("*"), List.of("read")));
        assertEquals(Set.of("read"), Permissions.intersect(List.of("read", "write"), List.of("read", "search")));
        assertEquals(Set.of("documents:read"),
                Permissions.intersect(List.of("documents:*"), List.of("documents:read", "users:read")));
        assertEquals(Set.of(), Permissions.intersect(List.of("write"), List.of("read")));
        assertEquals(Set.of("*"), Permissions.intersect(List.of("*"), List.of("*")));
    }

    /** The regex-and-split implementation that the hot path's character loops replaced, kept as the reference. */
    static final java.util.regex.Pattern REFERENCE_SEGMENT = java.util.regex.Pattern.compile("\\*|[a-z0-9_.-]+");

    static boolean referenceValid(String p) {
        if (p == null || p.isEmpty() || p.length() > Permissions.MAX_LENGTH) {
            return false;
        }
        for (String segment : p.split(":", -1)) {
            if (!REFERENCE_SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean referenceCovers(String held, String wanted) {
        if (held.equals("*") || held.equals(wanted)) {
            return true;
        }
        String[] h = held.split(":", -1);
        String[] w = wanted.split(":", -1);
        for (int i = 0; i < h.length; i++) {
            boolean last = i == h.length - 1;
            if (i >= w.length) {
                return false;
            }
            if (h[i].equals("*")) {
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

    @Test
    void theHotPathParsersAgreeWithTheReferenceOnGeneratedInput() {
        String alphabet = "ab:*-._0Z ";
        java.util.Random random = new java.util.Random(42);
        java.util.List<String> valid = new java.util.ArrayList<>();
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(9);
            for (int i = 0; i < len; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String p = b.toString();
            assertEquals(referenceValid(p), Permissions.isValid(p), "isValid(\"" + p + "\")");
            if (referenceValid(p)) {
                valid.add(p);
            }
        }
        for (int n = 0; n < 200_000; n++) {
            String h = valid.get(random.nextInt(valid.size()));
            String w = valid.get(random.nextInt(valid.size()));
            assertEquals(referenceCovers(h, w), Permissions.covers(h, w), "covers(" + h + ", " + w + ")");
        }
    }
}
