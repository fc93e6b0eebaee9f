package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Rotating the pepper without breaking keys, as the README's procedure does it, on the packaged service over one
 * database: keys issued under the old pepper; then a rolling rotation, with a replica of each step running at once —
 * one that still hashes under the old pepper and accepts the next, one that hashes under the new pepper and accepts the
 * old as earlier: every key verifies on both, a key used on the second is hashed again under the new pepper once (and
 * the first never hashes it back); then the new pepper alone — keys used during the overlap verify, the key nobody used
 * does not (the README says to find such keys by their last use).
 */
class PepperRotationIT {

    static final String OLD = "old-pepper-0123456789abcdef";
    static final String NEW = "new-pepper-fedcba9876543210";
    /** A key imported from another system (README, "Importing keys") under the old pepper. */
    static final String IMPORTED = "unkey_3ZkQ8mR2vT9pL4xW7nB5cY1d";

    @AfterEach
    void reset() {
        RestAssured.reset();
    }

    static byte[] storedHash(String url, String keyId) throws Exception {
        try (Connection c = PostgresTestResource.connect(url);
                PreparedStatement s = c.prepareStatement("select secret_hash from api_keys where key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                return rs.getBytes(1);
            }
        }
    }

    static String code(ServiceProcess s, String key) {
        return Http.code(s.baseUrl(), Map.of("key", key));
    }

    static String[] key(ServiceProcess s, String org, String ot, String ws) {
        RestAssured.port = s.port;
        return Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
    }

    @Test
    void aRollingRotationBreaksNoKeyThatIsUsedDuringIt() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_pepper");
        String org;
        String ot;
        String ws;
        String[] used;
        String[] unused;
        byte[] before;
        try (ServiceProcess s = ServiceProcess.start("pepper-old", url, Map.of("latchkey.keys.pepper", OLD))) {
            RestAssured.port = s.port;
            String owner = Api.unique("owner");
            org = Api.org(owner);
            ot = Tokens.user(owner);
            ws = Api.workspace(org, ot);
            used = key(s, org, ot, ws);
            unused = key(s, org, ot, ws);
            assertEquals("VALID", code(s, used[1]));
            assertEquals("VALID", code(s, unused[1]));
            before = storedHash(url, used[0]);
            Api.as(ot)
                    .body(Map.of("keys",
                            List.of(Map.of("value", IMPORTED, "kind", "service", "name", "imported", "role", "viewer",
                                    "scope", Api.wsScope(ws))),
                            "origin", Map.of("system", "unkey")))
                    .post("/api/v1/orgs/" + org + "/keys/import").then().statusCode(200);
            assertEquals("VALID", code(s, IMPORTED));
        }
        String[] madeByFirst;
        String[] madeBySecond;
        try (ServiceProcess first = ServiceProcess.start("pepper-next", url,
                Map.of("latchkey.keys.pepper", OLD, "latchkey.keys.next-pepper", NEW));
                ServiceProcess second = ServiceProcess.start("pepper-earlier", url,
                        Map.of("latchkey.keys.pepper", NEW, "latchkey.keys.previous-peppers", OLD))) {
            assertEquals("VALID", code(second, used[1]), "an old-pepper key verifies on the second step");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !Arrays.equals(before, storedHash(url, used[0])));
            byte[] rehashed = storedHash(url, used[0]);
            assertEquals("VALID", code(second, used[1]), "and once hashed again (the replica reloaded it)");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "VALID".equals(code(first, used[1])));
            assertEquals(1.0, Http.metric(second.baseUrl(), "latchkey_keys_rehashed_total"));
            assertEquals(0.0, Http.metric(first.baseUrl(), "latchkey_keys_rehashed_total"),
                    "the first step never hashes under the next pepper");
            madeByFirst = key(first, org, ot, ws);
            madeBySecond = key(second, org, ot, ws);
            assertEquals("VALID", code(first, madeBySecond[1]), "a new-pepper key on the first step");
            assertEquals("VALID", code(second, madeByFirst[1]), "an old-pepper key on the second step");
            assertEquals("VALID", code(first, madeByFirst[1]));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Http.metric(second.baseUrl(), "latchkey_keys_rehashed_total") == 2.0);
            assertTrue(Arrays.equals(rehashed, storedHash(url, used[0])), "hashed again once, never back");
            // an imported value is found under the earlier pepper, hashed again, then found under the next one
            assertEquals("VALID", code(second, IMPORTED), "an imported value stored under the old pepper");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Http.metric(second.baseUrl(), "latchkey_keys_rehashed_total") == 3.0);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "VALID".equals(code(first, IMPORTED)));
        }
        try (ServiceProcess s = ServiceProcess.start("pepper-new", url, Map.of("latchkey.keys.pepper", NEW))) {
            assertEquals("VALID", code(s, used[1]), "used during the overlap: verifies");
            assertEquals("VALID", code(s, madeByFirst[1]), "made and used during the overlap: verifies");
            assertEquals("VALID", code(s, madeBySecond[1]));
            assertEquals("NOT_FOUND", code(s, unused[1]), "nobody used it during the overlap: it does not");
            assertEquals("VALID", code(s, IMPORTED), "an imported value used during the overlap: verifies");
            assertFalse(Arrays.equals(before, storedHash(url, used[0])));
        }
    }
}
