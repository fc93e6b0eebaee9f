package dev.latchkey.common;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/** Keyset pagination: every item exactly once across pages, also while items are being added. */
@QuarkusTest
class PaginationTest {

    /** Walks every page of a list; returns the ids in order. */
    private static List<String> walk(String token, String path, int limit, String idField, Runnable betweenPages) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var req = as(token).queryParam("limit", limit);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            Response r = req.get(path);
            assertEquals(200, r.statusCode(), r.asString());
            List<String> page = r.path("items." + idField);
            assertTrue(page.size() <= limit);
            ids.addAll(page);
            cursor = r.path("nextCursor");
            betweenPages.run();
            assertTrue(++pages < 1000, "runaway pagination");
        } while (cursor != null);
        return ids;
    }

    @Test
    void keysWorkspacesRolesMembersAndAuditPageCompletely() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            keys.add(Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0]);
        }
        List<String> listed = walk(ot, "/api/v1/orgs/" + org + "/keys", 5, "id", () -> {
        });
        assertEquals(23, listed.size());
        assertEquals(keys, new HashSet<>(listed));

        for (int i = 0; i < 6; i++) {
            Api.workspace(org, ot);
            Api.member(org, ot, Api.unique("m"), Map.of("orgRole", "member"));
            as(ot).body(Map.of("name", "r" + i, "permissions", List.of("read"))).post("/api/v1/orgs/" + org + "/roles")
                    .then().statusCode(201);
        }
        assertEquals(7, walk(ot, "/api/v1/orgs/" + org + "/workspaces", 2, "slug", () -> {
        }).size());
        List<String> roles = walk(ot, "/api/v1/orgs/" + org + "/roles", 3, "name", () -> {
        });
        assertEquals(List.of("admin", "editor", "r0", "r1", "r2", "r3", "r4", "r5", "search", "viewer"), roles);
        assertEquals(7, walk(ot, "/api/v1/orgs/" + org + "/members", 4, "subject", () -> {
        }).size());
        List<String> audit = walk(ot, "/api/v1/orgs/" + org + "/audit", 7, "id", () -> {
        });
        assertEquals(new HashSet<>(audit).size(), audit.size(), "no audit event twice");
        // org.created, member.added, 23 keys, 7 workspaces, 6 members, 6 roles
        assertEquals(2 + 23 + 7 + 6 + 6, audit.size());
        List<Long> numeric = audit.stream().map(Long::parseLong).toList();
        for (int i = 1; i < numeric.size(); i++) {
            assertTrue(numeric.get(i - 1) > numeric.get(i), "audit is newest first");
        }
    }

    /**
     * Two keys are created between every two pages (each creation has committed before the next page is asked for, so
     * writes and reads interleave on every page): every key that existed throughout is listed exactly once, and nothing
     * else but keys that were added.
     */
    @Test
    void everyItemOnceWithKeysAddedBetweenEveryTwoPages() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            before.add(Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0]);
        }
        List<String> addedIds = new ArrayList<>();
        Runnable addTwo = () -> {
            for (int i = 0; i < 2; i++) {
                addedIds.add(Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0]);
            }
        };
        List<String> listed = walk(ot, "/api/v1/orgs/" + org + "/keys", 4, "id", addTwo);
        assertEquals(new HashSet<>(listed).size(), listed.size(), "an item appeared twice");
        assertTrue(new HashSet<>(listed).containsAll(before), "an item that existed throughout was skipped");
        Set<String> extra = new HashSet<>(listed);
        extra.removeAll(before);
        // keys are listed oldest first, so every key added before the next page was read is on a later page: all of
        // them but the two added after the last page
        assertEquals(new HashSet<>(addedIds.subList(0, addedIds.size() - 2)), extra);
        assertEquals(listed.size(), before.size() + addedIds.size() - 2);
        System.out.printf("pagination: %d pages of 4, %d keys added between them%n", addedIds.size() / 2,
                addedIds.size());
    }
}
