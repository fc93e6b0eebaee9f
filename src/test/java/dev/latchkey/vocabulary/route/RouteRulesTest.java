package dev.latchkey.vocabulary.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Route patterns, matching, and every normalisation bypass the README lists: each is refused, its honest twin passes.
 */
class RouteRulesTest {

    private static RouteRules rules(String... stored) {
        return RouteRules.fromStored(stored);
    }

    @Test
    void patternsMatchSegmentsAndMethods() {
        RouteRules r = rules("GET,HEAD /v1/documents/**", "* /v1/users/*/profile", "POST /v1/search");
        assertTrue(r.allows("GET", "/v1/documents"));
        assertTrue(r.allows("GET", "/v1/documents/a/b/c"));
        assertTrue(r.allows("head", "/v1/documents/a"), "methods compared in upper case");
        assertFalse(r.allows("DELETE", "/v1/documents/a"));
        assertTrue(r.allows("PATCH", "/v1/users/42/profile"));
        assertFalse(r.allows("GET", "/v1/users/42/profile/extra"));
        assertFalse(r.allows("GET", "/v1/users/profile"), "* is exactly one segment");
        assertTrue(r.allows("POST", "/v1/search?q=x#frag"), "query and fragment are not part of the path");
        assertFalse(r.allows("GET", "/v1/search"));
        assertFalse(r.allows("GET", "/v1/documentsX"));
        assertFalse(r.allows(null, "/v1/documents"), "no method known");
        assertFalse(r.allows("GET", null), "no path known");
        assertTrue(rules("* /").allows("GET", "/"));
        assertFalse(rules("* /").allows("GET", "/a"));
    }

    @Test
    void ambiguousPathsNeverMatch() {
        RouteRules docs = rules("GET /v1/docs/**", "GET /v1/docs");
        List<String> bypasses = List.of("/v1/docs/../admin", "/v1/docs/%2e%2e/admin", "/v1/docs/%2E%2E/admin",
                "/v1/docs/..%2fadmin", "/v1/docs%2f..%2fadmin", "/v1/docs/%2fadmin", "/v1/docs;/../admin",
                "/v1/docs/x;jsessionid=1", "/v1/docs/admin.", "/v1/docs/admin..", "/v1/docs\\..\\admin",
                "/v1/docs/%5c../admin", "/v1/docs/%00", "/v1/docs/%252e%252e/admin", "/v1/docs/a%20", "/v1/docs/%",
                "/v1/docs/%zz", "/v1/docs/%C3%28", "v1/docs/a", "", "/v1/docs/\ta", "/../v1/docs/a");
        for (String path : bypasses) {
            assertFalse(docs.allows("GET", path), path);
        }
        assertNull(RoutePath.segments("/v1/docs/../../.."), "above the root");
        // the honest twins
        assertTrue(docs.allows("GET", "/v1/docs/a/./b"));
        assertTrue(docs.allows("GET", "/v1/docs//a"), "empty segments collapse");
        assertTrue(docs.allows("GET", "/v1/x/../docs/a"), "dot segments resolved before matching");
        assertTrue(docs.allows("GET", "/v1/docs/caf%C3%A9"));
        assertTrue(docs.allows("GET", "/v1/docs/file.txt"));
        assertFalse(docs.allows("GET", "/V1/DOCS/a"), "case-sensitive: another case matches nothing");
        assertFalse(docs.allows("GET", "/v1/admin"));
        assertEquals(List.of("v1", "docs", "a+b"), RoutePath.segments("/v1/docs/a%2Bb"));
    }

    @Test
    void badPatternsAreRefusedWithAReason() {
        for (String path : List.of("v1/docs", "/v1/**/docs", "/v1/%2e", "/v1/a;b", "/v1/./a", "/v1/../a", "/v1//a",
                "/v1/a.", "/v1/ a", "", "/" + "a".repeat(600))) {
            assertThrows(IllegalArgumentException.class, () -> RouteRules.rule(null, path), path);
        }
        assertThrows(IllegalArgumentException.class, () -> RouteRules.rule(List.of("GET", "NOT A METHOD"), "/a"));
        RouteRules.Rule r = RouteRules.rule(List.of("head", "GET"), "/v1/documents/**");
        assertEquals("GET,HEAD /v1/documents/**", r.stored());
        assertEquals("* /v1/*", RouteRules.rule(List.of(), "/v1/*").stored());
        assertEquals("* /", RouteRules.rule(null, "/").stored());
    }
}
