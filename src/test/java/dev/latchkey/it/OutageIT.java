package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * A database outage, made by cutting a TCP relay between the service and PostgreSQL: known keys keep verifying from
 * memory until the staleness limit, what the cache cannot answer is 503 (never a wrong yes or a false NOT_FOUND), the
 * replica stays ready, and the usage counted meanwhile is written once the database is back.
 */
class OutageIT {

    /**
     * How long known keys verify from memory here: long enough for every check made during the outage to happen within
     * it on a slow machine (they take a few seconds, a pool timeout of 2 s among them).
     */
    static final Duration STALENESS = Duration.ofSeconds(15);

    static int verify(String key) {
        return given().contentType(ContentType.JSON).body(Map.of("key", key)).post("/verify").statusCode();
    }

    static String code(String key) {
        return given().contentType(ContentType.JSON).body(Map.of("key", key)).post("/verify").then().extract()
                .path("code");
    }

    /** Changes written to the outbox of a database. */
    static long outboxRows(String url) throws java.sql.SQLException {
        try (java.sql.Connection c = PostgresTestResource.connect(url);
                java.sql.ResultSet rs = c.createStatement().executeQuery("select count(*) from key_invalidations")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static boolean databaseUp() {
        return given().get("/q/metrics").asString().contains("latchkey_database_up 1.0");
    }

    static void await(java.util.concurrent.Callable<Boolean> condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(condition);
    }

    /** VALID answers counted for a key, summed over its hourly items (a run may cross an hour). */
    static int validCount(String org, String token, String keyId) {
        List<Integer> counts = Api.as(token).get("/api/v1/orgs/" + org + "/keys/" + keyId + "/usage").then().extract()
                .path("items.counts.VALID");
        return counts == null ? 0
                : counts.stream().filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).sum();
    }

    @Test
    void knownKeysSurviveAnOutageAndNothingIsLost() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_outage");
        String[] hp = PostgresTestResource.hostPort().split(":");
        try (TcpProxy proxy = new TcpProxy(hp[0], Integer.parseInt(hp[1]));
                ServiceProcess s = ServiceProcess.start("outage",
                        url.replace(PostgresTestResource.hostPort(), "127.0.0.1:" + proxy.port),
                        Map.of("latchkey.verify.max-staleness", STALENESS.toSeconds() + "S",
                                "quarkus.datasource.jdbc.acquisition-timeout", "2S"))) {
            RestAssured.port = s.port;
            String owner = Api.unique("owner");
            String org = Api.org(owner);
            String ot = Tokens.user(owner);
            String ws = Api.workspace(org, ot);
            String[] known = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
            String[] unseen = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
            // a second known key to poll while waiting for the staleness limit: polling the first would count uses
            String[] probe = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
            // the feed first applies every change written so far: applied after the keys are cached, a key's creation
            // would evict it for a reload that the cut below could fail, and the key would not be "known" any more
            long written = outboxRows(url);
            // one feed-lag observation per change applied
            await(() -> Http.metric(s.baseUrl(), "latchkey_key_feed_lag_seconds_count") >= written,
                    "the change feed to apply the " + written + " changes written");
            assertEquals("VALID", code(known[1]));
            assertEquals("VALID", code(probe[1]));
            String random = KeyFormat.format(KeyPrefix.SERVICE, "Z".repeat(16), "Q".repeat(43));

            proxy.cut();
            long cutAt = System.currentTimeMillis();
            await(() -> !databaseUp(), "the listener to notice the outage");
            for (int i = 0; i < 5; i++) {
                assertEquals("VALID", code(known[1]), "a known key keeps verifying from memory");
            }
            assertEquals(503, verify(unseen[1]), "a key the cache never saw needs the database: 503");
            assertEquals(503, verify(random), "an unknown key is not answered NOT_FOUND while the database is away");
            given().get("/q/health/ready").then().statusCode(200);
            given().get("/q/health").then().statusCode(503).body("checks.find { it.name == 'database' }.status",
                    is("DOWN"));
            given().header("X-API-Key", unseen[1]).get("/authorize").then().statusCode(503).header("X-Latchkey-Code",
                    "UNAVAILABLE");
            Api.as(ot).get("/api/v1/orgs/" + org + "/keys").then().statusCode(503).body("code",
                    is("database_unavailable"));

            // past the staleness limit even known keys are refused with 503 — not before: the limit counts from the
            // last time the cache was known in sync, at most one poll interval (1 s) before the cut
            long checksDone = System.currentTimeMillis() - cutAt;
            Awaitility.await("known keys to be refused past the staleness limit").atMost(STALENESS.multipliedBy(2))
                    .pollInterval(Duration.ofMillis(100)).until(() -> verify(probe[1]) == 503);
            long refusedAfter = System.currentTimeMillis() - cutAt;
            System.out.printf("checks during the outage done %d ms after the cut; known keys refused %d ms after it "
                    + "(staleness limit %d s)%n", checksDone, refusedAfter, STALENESS.toSeconds());
            assertTrue(checksDone < STALENESS.toMillis() - 1_000, "the checks above ran within the limit");
            assertTrue(refusedAfter >= STALENESS.toMillis() - 1_000,
                    "not before the staleness limit: " + refusedAfter + " ms");
            assertEquals(503, verify(known[1]));

            proxy.restore();
            await(OutageIT::databaseUp, "the listener to reconnect");
            assertEquals("VALID", code(known[1]));
            assertEquals("VALID", code(unseen[1]));
            // 1 VALID before the cut, 5 during it, 1 after recovery: all counted, none lost
            await(() -> validCount(org, ot, known[0]) == 7, "usage to be flushed");
            // the 503 past the staleness limit did not use the key, so it is not counted as the key's usage
            List<Map<String, Integer>> counts = Api.as(ot).get("/api/v1/orgs/" + org + "/keys/" + known[0] + "/usage")
                    .then().extract().path("items.counts");
            counts.forEach(c -> assertEquals(java.util.Set.of("VALID"), c.keySet()));
            Api.as(ot).get("/api/v1/orgs/" + org + "/keys/" + known[0]).then().body("lastUsedAt", notNullValue());
        } finally {
            RestAssured.reset();
        }
    }

    @Test
    void aCleanShutdownWritesWhatWasCounted() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_shutdown");
        String[] key;
        String org;
        String ot;
        // flushes only at shutdown: nothing is written while it runs
        try (ServiceProcess s = ServiceProcess.start("shutdown", url, Map.of("latchkey.usage.flush-interval", "1H"))) {
            RestAssured.port = s.port;
            String owner = Api.unique("owner");
            org = Api.org(owner);
            ot = Tokens.user(owner);
            String ws = Api.workspace(org, ot);
            key = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
            for (int i = 0; i < 4; i++) {
                assertEquals("VALID", code(key[1]));
            }
        }
        try (java.sql.Connection c = PostgresTestResource.connect(url);
                java.sql.PreparedStatement st = c.prepareStatement("select sum(u.count), max(l.at) "
                        + "from key_usage_hourly u join api_keys k on k.id = u.api_key_id "
                        + "left join key_last_used l on l.api_key_id = k.id where k.key_id = ? "
                        + "and u.outcome = 'VALID'")) {
            st.setString(1, key[0]);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(4, rs.getLong(1), "every VALID answer was written at shutdown");
                assertNotNull(rs.getTimestamp(2), "last used time written at shutdown");
            }
        } finally {
            RestAssured.reset();
        }
    }
}
