package dev.latchkey.security;

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
}
