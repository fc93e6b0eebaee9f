package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Changes that bypass the service (an operator's SQL): no outbox row, no notification. Every replica must still refuse
 * within the resync interval (2 s here), on the packaged jar.
 */
class ResyncIT {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static String url;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        url = PostgresTestResource.recreate("latchkey_it_resync");
        Map<String, String> conf = Map.of("latchkey.verify.resync-interval", INTERVAL.toSeconds() + "S");
        a = ServiceProcess.start("resync-a", url, conf);
        b = ServiceProcess.start("resync-b", url, conf);
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
    }

    static void sql(String statement, Object... args) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            assertEquals(1, s.executeUpdate(), statement);
        }
    }

    /** Waits until both replicas answer {@code expected}; returns the milliseconds it took. */
    static long awaitEverywhere(Map<String, Object> body, String expected) {
        long start = System.nanoTime();
        Awaitility.await().atMost(INTERVAL.multipliedBy(5)).pollInterval(Duration.ofMillis(50)).until(
                () -> Http.code(a.baseUrl(), body).equals(expected) && Http.code(b.baseUrl(), body).equals(expected));
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aDirectSqlRevokeAndRoleAndMemberChangeAreRefusedOnEveryReplicaWithinTheInterval() throws Exception {
        String owner = Api.unique("owner");
        String org = Api.unique("org");
        Http.expect("POST", a.baseUrl() + "/api/v1/orgs", Tokens.platformAdmin("root"),
                Map.of("slug", org, "name", "n", "owner", owner), 201);
        String ot = Tokens.user(owner);
        String base = a.baseUrl() + "/api/v1/orgs/" + org;
        String ws = Api.unique("ws");
        Http.expect("POST", base + "/workspaces", ot, Map.of("slug", ws, "name", "n"), 201);
        Http.expect("POST", base + "/roles", ot, Map.of("name", "docs", "permissions", List.of("read", "write")), 201);
        var viewer = Http.expect("POST", base + "/keys", ot,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)), 201);
        var docs = Http.expect("POST", base + "/keys", ot,
                Map.of("kind", "service", "role", "docs", "scope", Api.allScope()), 201);
        String member = Api.unique("m");
        Http.expect("PUT", base + "/members/" + member, ot, Map.of("orgRole", "member", "role", "editor"), 201);
        var personal = Http.expect("POST", base + "/keys", Tokens.user(member),
                Map.of("kind", "personal", "role", "viewer", "scope", Api.allScope()), 201);

        Map<String, Object> viewerBody = Map.of("key", viewer.get("key").asText());
        Map<String, Object> writeBody = Map.of("key", docs.get("key").asText(), "workspace", ws, "permissions",
                List.of("write"));
        Map<String, Object> personalBody = Map.of("key", personal.get("key").asText(), "workspace", ws);
        for (ServiceProcess s : List.of(a, b)) {
            assertEquals("VALID", Http.code(s.baseUrl(), viewerBody));
            assertEquals("VALID", Http.code(s.baseUrl(), writeBody));
            assertEquals("VALID", Http.code(s.baseUrl(), personalBody));
        }
        double repairsBefore = Http.metric(b.baseUrl(), "latchkey_key_cache_resync_repairs_total");

        sql("update api_keys set revoked_at = now() where key_id = ?", viewer.get("id").asText());
        long revokeMs = awaitEverywhere(viewerBody, "REVOKED");
        sql("update roles set permissions = '{read}' where name = 'docs'");
        long roleMs = awaitEverywhere(writeBody, "INSUFFICIENT_PERMISSIONS");
        sql("delete from members where subject = ?", member);
        long memberMs = awaitEverywhere(personalBody, "FORBIDDEN");

        System.out.printf("direct SQL, resync interval %d ms: revoke refused on both replicas after %d ms, role "
                + "change %d ms, member removal %d ms%n", INTERVAL.toMillis(), revokeMs, roleMs, memberMs);
        assertTrue(Http.metric(b.baseUrl(), "latchkey_key_cache_resync_repairs_total") >= repairsBefore + 3,
                "the resync (not the feed) repaired them");
        long bound = INTERVAL.toMillis() + 1_000; // the interval, plus polling and a busy machine
        assertTrue(revokeMs <= bound && roleMs <= bound && memberMs <= bound,
                "within the interval: " + revokeMs + ", " + roleMs + ", " + memberMs + " ms");
    }
}
