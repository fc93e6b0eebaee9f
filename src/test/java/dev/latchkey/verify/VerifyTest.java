package dev.latchkey.verify;

import static dev.latchkey.support.Api.allScope;
import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;
import dev.latchkey.support.Tokens;
import dev.latchkey.usage.UsageFlusher;

/** Every code of README, "Verify API" through /verify and /authorize, with the fields and headers gateways read. */
@QuarkusTest
class VerifyTest {

    @Inject
    TestClock clock;

    @Inject
    UsageFlusher flusher;

    static ValidatableResponse verify(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/verify").then();
    }

    static String code(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/verify").then().statusCode(200).extract()
                .path("code");
    }

    @Test
    void validServiceKeyWithWorkspaceAndPermissions() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(), Map.of("kind", "service", "name", "storefront", "role", "editor",
                "scope", wsScope(o.ws()), "meta", Map.of("team", "web", "tier", 2)));
        verify(Map.of("key", k[1], "workspace", o.ws(), "permissions", List.of("read", "write"))).statusCode(200)
                .body("valid", is(true)).body("code", is("VALID")).body("keyId", is(k[0]))
                .body("name", is("storefront")).body("kind", is("service")).body("organization", is(o.slug()))
                .body("workspaces", contains(o.ws())).body("actor", is("storefront"))
                .body("permissions", contains("read", "write")).body("expiresAt", nullValue())
                .body("rateLimit", nullValue()).body("meta.team", is("web")).body("meta.tier", is(2));
        assertEquals("FORBIDDEN", code(Map.of("key", k[1], "workspace", o.ws2())));
        assertEquals("FORBIDDEN", code(Map.of("key", k[1], "workspace", "no-such-ws")));
        assertEquals("INSUFFICIENT_PERMISSIONS",
                code(Map.of("key", k[1], "workspace", o.ws(), "permissions", List.of("delete"))));
        assertEquals("VALID", code(Map.of("key", k[1], "permissions", List.of("read"))));
        // the key in headers instead of the body
        given().header("Authorization", "Bearer " + k[1]).contentType(ContentType.JSON).body("{}").post("/verify")
                .then().body("code", is("VALID"));
        given().header("X-API-Key", k[1]).post("/verify").then().statusCode(200).body("code", is("VALID"));
    }

    @Test
    void starSegmentsInPermissions() {
        Api.Fixture o = Api.fixture();
        String key = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "permissions", List.of("documents:*", "*:read"), "scope", allScope()))[1];
        assertEquals("VALID", code(
                Map.of("key", key, "workspace", o.ws2(), "permissions", List.of("documents:write:own", "users:read"))));
        assertEquals("INSUFFICIENT_PERMISSIONS", code(Map.of("key", key, "permissions", List.of("users:write"))));
        verify(Map.of("key", key, "workspace", o.ws())).body("workspaces", containsInAnyOrder(o.ws(), o.ws2()));
    }

    @Test
    void unknownMalformedAndWrongSecretAreNotFoundWithoutDetails() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        String unknown = KeyFormat.format(KeyPrefix.SERVICE, "A".repeat(16), "B".repeat(43));
        String wrongSecret = KeyFormat.format(KeyPrefix.SERVICE, k[0], "C".repeat(43));
        String badChecksum = k[1].substring(0, k[1].length() - 1) + (k[1].endsWith("A") ? "B" : "A");
        String wrongPrefix = KeyFormat.format(KeyPrefix.PERSONAL, k[0], KeyFormat.parse(k[1]).secret());
        for (String key : List.of(unknown, wrongSecret, badChecksum, wrongPrefix, "garbage", "lks_",
                "x".repeat(5000))) {
            Response r = given().contentType(ContentType.JSON).body(Map.of("key", key)).post("/verify");
            assertEquals(200, r.statusCode());
            assertEquals(Map.of("valid", false, "code", "NOT_FOUND"), r.as(Map.class), key);
        }
    }

    @Test
    void revokedDeletedDisabledAndExpired() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] revoked = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        assertEquals("VALID", code(Map.of("key", revoked[1])));
        as(o.token()).post(o.keys() + "/" + revoked[0] + "/revoke").then().statusCode(200);
        verify(Map.of("key", revoked[1])).body("valid", is(false)).body("code", is("REVOKED")).body("keyId",
                is(revoked[0]));

        String[] deleted = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        assertEquals("VALID", code(Map.of("key", deleted[1])));
        as(o.token()).delete(o.keys() + "/" + deleted[0]).then().statusCode(204);
        assertEquals("REVOKED", code(Map.of("key", deleted[1])));

        String[] disabled = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        as(o.token()).body(Map.of("enabled", false)).patch(o.keys() + "/" + disabled[0]).then().statusCode(200);
        assertEquals("DISABLED", code(Map.of("key", disabled[1])));
        as(o.token()).body(Map.of("enabled", true)).patch(o.keys() + "/" + disabled[0]).then().statusCode(200);
        assertEquals("VALID", code(Map.of("key", disabled[1])));

        Instant expiry = clock.instant().plusSeconds(60);
        String[] expiring = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()), "expiresAt", expiry.toString()));
        verify(Map.of("key", expiring[1])).body("code", is("VALID")).body("expiresAt", is(expiry.toString()));
        clock.advance(Duration.between(clock.instant(), expiry).minusMillis(500));
        assertEquals("VALID", code(Map.of("key", expiring[1])), "still valid just before its expiry");
        clock.advance(Duration.ofMillis(600));
        assertEquals("EXPIRED", code(Map.of("key", expiring[1])), "expired right after it");
    }

    @Test
    void adminKeysAreNeverValidHere() {
        Api.Fixture o = Api.fixture();
        String admin = Api.key(o.slug(), o.token(), Map.of("kind", "admin"))[1];
        verify(Map.of("key", admin)).body("valid", is(false)).body("code", is("FORBIDDEN")).body("kind", is("admin"));
    }

    @Test
    void personalKeysFollowTheirOwner() {
        Api.Fixture o = Api.fixture();
        String m = Api.unique("m");
        Api.member(o.slug(), o.token(), m, Map.of("role", "editor"));
        String key = Api.key(o.slug(), Tokens.user(m),
                Map.of("kind", "personal", "role", "editor", "scope", allScope()))[1];
        verify(Map.of("key", key, "workspace", o.ws(), "permissions", List.of("write"))).body("code", is("VALID"))
                .body("actor", is(m)).body("permissions", containsInAnyOrder("read", "write"));
        Api.member(o.slug(), o.token(), m, Map.of("role", "viewer"));
        verify(Map.of("key", key, "workspace", o.ws(), "permissions", List.of("write"))).body("code",
                is("INSUFFICIENT_PERMISSIONS"));
        verify(Map.of("key", key, "workspace", o.ws(), "permissions", List.of("read"))).body("code", is("VALID"))
                .body("permissions", contains("read"));
        // a workspace role raises what the key may do there, within the key's own permissions
        Api.member(o.slug(), o.token(), m, Map.of("role", "viewer", "workspaceRoles", Map.of(o.ws2(), "admin")));
        assertEquals("VALID", code(Map.of("key", key, "workspace", o.ws2(), "permissions", List.of("write"))));
        assertEquals("INSUFFICIENT_PERMISSIONS",
                code(Map.of("key", key, "workspace", o.ws2(), "permissions", List.of("delete"))));
        as(o.token()).delete("/api/v1/orgs/" + o.slug() + "/members/" + m).then().statusCode(204);
        assertEquals("FORBIDDEN", code(Map.of("key", key, "workspace", o.ws())));
    }

    @Test
    void rateLimitAndIpAllowlist() {
        Api.Fixture o = Api.fixture();
        String limited = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "rateLimit", Map.of("limit", 2, "windowSeconds", 60)))[1];
        verify(Map.of("key", limited)).body("code", is("VALID")).body("rateLimit.limit", is(2))
                .body("rateLimit.remaining", is(1)).body("rateLimit.resetAt", notNullValue());
        verify(Map.of("key", limited)).body("code", is("VALID")).body("rateLimit.remaining", is(0));
        verify(Map.of("key", limited)).body("valid", is(false)).body("code", is("RATE_LIMITED"))
                .body("rateLimit.remaining", is(0));

        String fenced = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "ipAllowlist", List.of("10.0.0.0/8", "2001:db8::/32")))[1];
        assertEquals("VALID", code(Map.of("key", fenced, "ip", "10.20.30.40")));
        assertEquals("VALID", code(Map.of("key", fenced, "ip", "2001:db8::7")));
        assertEquals("IP_NOT_ALLOWED", code(Map.of("key", fenced, "ip", "192.168.1.1")));
        assertEquals("IP_NOT_ALLOWED", code(Map.of("key", fenced)), "the connection address 127.0.0.1 is not allowed");
        // X-Forwarded-For is ignored unless the connection comes from a trusted proxy (none configured here)
        given().header("X-Forwarded-For", "10.1.1.1").contentType(ContentType.JSON).body(Map.of("key", fenced))
                .post("/verify").then().body("code", is("IP_NOT_ALLOWED"));
    }

    @Test
    void rotationGracePeriod() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        assertEquals("VALID", code(Map.of("key", k[1])));
        String second = as(o.token()).body(Map.of("gracePeriodSeconds", 3600)).post(o.keys() + "/" + k[0] + "/rotate")
                .then().statusCode(200).extract().path("key");
        assertEquals("VALID", code(Map.of("key", k[1])), "old secret during the grace period");
        assertEquals("VALID", code(Map.of("key", second)));
        String third = as(o.token()).body(Map.of("gracePeriodSeconds", 0)).post(o.keys() + "/" + k[0] + "/rotate")
                .then().statusCode(200).extract().path("key");
        assertEquals("NOT_FOUND", code(Map.of("key", k[1])));
        assertEquals("NOT_FOUND", code(Map.of("key", second)));
        assertEquals("VALID", code(Map.of("key", third)));
    }

    @Test
    void badRequestsAre400Problems() {
        given().contentType(ContentType.JSON).body("{}").post("/verify").then().statusCode(400)
                .contentType("application/problem+json").body("code", is("missing_key"));
        given().contentType(ContentType.JSON).body("{\"key\": ").post("/verify").then().statusCode(400).body("code",
                is("malformed_json"));
        given().contentType(ContentType.JSON).body("[1]").post("/verify").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"key\": 5}").post("/verify").then().statusCode(400)
                .body("code", is("validation_failed")).body("errors[0].field", is("key"));
        given().contentType(ContentType.JSON).body("{\"key\": \"x\", \"permissions\": \"read\"}").post("/verify").then()
                .statusCode(400).body("errors[0].field", is("permissions"));
        given().contentType(ContentType.JSON).body("{\"key\": \"x\", \"ip\": \"example.com\"}").post("/verify").then()
                .statusCode(400).body("errors[0].field", is("ip"));
        given().contentType(ContentType.JSON).body("{\"key\": \"x\", \"colour\": 1}").post("/verify").then()
                .statusCode(400).body("errors[0].field", is("colour"));
        given().contentType(ContentType.JSON).body("{\"key\": \"" + "x".repeat(20_000) + "\"}").post("/verify").then()
                .statusCode(413);
    }

    @Test
    void authorizeForGateways() {
        Api.Fixture o = Api.fixture();
        String m = Api.unique("m");
        Api.member(o.slug(), o.token(), m, Map.of("role", "editor"));
        String[] svc = Api.key(o.slug(), o.token(), Map.of("kind", "service", "name", "edge", "role", "editor", "scope",
                wsScope(o.ws()), "rateLimit", Map.of("limit", 3, "windowSeconds", 60)));
        given().header("X-API-Key", svc[1]).header("X-Latchkey-Workspace", o.ws())
                .header("X-Latchkey-Permission", "read,write").get("/authorize").then().statusCode(200)
                .header("X-Latchkey-Key-Id", svc[0]).header("X-Latchkey-Organization", o.slug())
                .header("X-Latchkey-Actor", "edge").header("X-Latchkey-Permissions", "read,write")
                .header("X-RateLimit-Limit", "3").header("X-RateLimit-Remaining", "2");
        // Envoy appends the original path; query parameters work too; any method
        given().header("Authorization", "Bearer " + svc[1]).queryParam("workspace", o.ws())
                .queryParam("permission", "read").post("/authorize/v1/search/products").then().statusCode(200)
                .header("X-Latchkey-Key-Id", svc[0]);
        given().header("X-API-Key", svc[1]).header("X-Latchkey-Workspace", o.ws2()).get("/authorize").then()
                .statusCode(403).header("X-Latchkey-Code", "FORBIDDEN");
        given().header("X-API-Key", svc[1]).header("X-Latchkey-Permission", "delete").get("/authorize").then()
                .statusCode(403).header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        // the third valid call spent the last token
        given().header("X-API-Key", svc[1]).get("/authorize").then().statusCode(200).header("X-RateLimit-Remaining",
                "0");
        given().header("X-API-Key", svc[1]).get("/authorize").then().statusCode(429)
                .header("X-Latchkey-Code", "RATE_LIMITED").header("Retry-After", notNullValue());
        given().header("X-API-Key", svc[1]).header("X-Latchkey-Mode", "nginx").get("/authorize").then().statusCode(403)
                .header("X-Latchkey-Code", "RATE_LIMITED").header("Retry-After", notNullValue());
        given().header("X-API-Key", svc[1]).queryParam("mode", "nginx").get("/authorize").then().statusCode(403);

        given().get("/authorize").then().statusCode(401).header("WWW-Authenticate", "Bearer").header("X-Latchkey-Code",
                "NOT_FOUND");
        given().header("X-API-Key", "lks_nonsense").get("/authorize").then().statusCode(401).header("X-Latchkey-Code",
                "NOT_FOUND");
        as(o.token()).post(o.keys() + "/" + svc[0] + "/revoke").then().statusCode(200);
        given().header("X-API-Key", svc[1]).get("/authorize/x").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").header("X-Latchkey-Code", "REVOKED");
        String personal = Api.key(o.slug(), Tokens.user(m),
                Map.of("kind", "personal", "role", "viewer", "scope", allScope()))[1];
        given().header("X-API-Key", personal).get("/authorize").then().statusCode(200).header("X-Latchkey-Actor", m);
        String admin = Api.key(o.slug(), o.token(), Map.of("kind", "admin"))[1];
        given().header("X-API-Key", admin).get("/authorize").then().statusCode(403).header("X-Latchkey-Code",
                "FORBIDDEN");
        given().header("X-API-Key", personal).header("X-Latchkey-Permission", "bad perm!").get("/authorize").then()
                .statusCode(400);
    }

    @Test
    void authorizeStateAndIpDenials() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] disabled = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        as(o.token()).body(Map.of("enabled", false)).patch(o.keys() + "/" + disabled[0]).then().statusCode(200);
        given().header("X-API-Key", disabled[1]).get("/authorize").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").header("X-Latchkey-Code", "DISABLED");
        String fenced = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "ipAllowlist", List.of("10.0.0.0/8")))[1];
        given().header("X-API-Key", fenced).get("/authorize").then().statusCode(403).header("X-Latchkey-Code",
                "IP_NOT_ALLOWED");
        Instant expiry = clock.instant().plusSeconds(60);
        String expiring = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "expiresAt", expiry.toString()))[1];
        given().header("X-API-Key", expiring).get("/authorize").then().statusCode(200);
        clock.advance(Duration.ofSeconds(61));
        given().header("X-API-Key", expiring).get("/authorize").then().statusCode(401).header("X-Latchkey-Code",
                "EXPIRED");
    }

    @Test
    void metricsAndUsage() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        double before = counter("verify", "VALID");
        double deniedBefore = counter("authorize", "INSUFFICIENT_PERMISSIONS");
        for (int i = 0; i < 3; i++) {
            assertEquals("VALID", code(Map.of("key", k[1])));
        }
        given().header("X-API-Key", k[1]).header("X-Latchkey-Permission", "write").get("/authorize").then()
                .statusCode(403);
        assertEquals(before + 3, counter("verify", "VALID"));
        assertEquals(deniedBefore + 1, counter("authorize", "INSUFFICIENT_PERMISSIONS"));
        // the classic text format may end labels with a comma: compare without it
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString().replace(",}", "}");
        assertTrue(metrics.contains("latchkey_verify_duration_seconds_bucket{endpoint=\"verify\",le=\"1.0E-4\"}"),
                "sub-ms buckets");
        assertTrue(metrics.contains("latchkey_key_cache_size "), "cache size gauge");
        assertTrue(metrics.contains("latchkey_key_cache_hits_total{result=\"key\"}"));
        assertTrue(metrics.contains("latchkey_key_cache_misses_total "));
        assertTrue(metrics.contains("latchkey_key_cache_invalidations_total "));
        assertTrue(metrics.contains("latchkey_key_cache_resync_repairs_total "));
        assertTrue(metrics.contains("latchkey_key_feed_pending "));
        assertTrue(metrics.contains("latchkey_usage_flush_backlog "));
        assertTrue(metrics.contains("latchkey_database_up 1.0"));
        assertTrue(metrics.contains("agroal_"), "database pool metrics");
        assertFalse(metrics.contains(k[0]), "no key id in any label");

        assertTrue(flusher.flush());
        // summed over the hourly items: a run that crosses an hour splits the counts over two
        Response usage = as(o.token()).get(o.keys() + "/" + k[0] + "/usage");
        usage.then().statusCode(200).body("keyId", is(k[0]));
        List<Integer> valid = usage.path("items.counts.VALID");
        List<Integer> denied = usage.path("items.counts.INSUFFICIENT_PERMISSIONS");
        List<Integer> totals = usage.path("items.total");
        assertEquals(3, valid.stream().filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).sum());
        assertEquals(1, denied.stream().filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).sum());
        assertEquals(4, totals.stream().mapToInt(Integer::intValue).sum());
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("lastUsedAt", notNullValue());
        // the flushed times: whole hours, and the last use at the clock's time (a unit mix-up lands in 1970 or 58900)
        List<String> hours = usage.path("items.hour");
        assertTrue(hours.stream().allMatch(h -> java.time.Instant.parse(h).getEpochSecond() % 3600 == 0), "" + hours);
        java.time.Instant last = java.time.Instant
                .parse(as(o.token()).get(o.keys() + "/" + k[0]).then().extract().path("lastUsedAt"));
        assertTrue(!last.isAfter(clock.instant()) && last.isAfter(clock.instant().minusSeconds(600)),
                last + " against the clock's " + clock.instant());
        as(o.token()).queryParam("from", "2020-01-01T00:00:00Z").get(o.keys() + "/" + k[0] + "/usage").then()
                .statusCode(400);
    }

    @Test
    void healthIsReadyWithTheCacheAndShowsTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("key-cache"));
        given().get("/q/health").then().statusCode(200).body("checks.name", hasItems("key-cache", "database"));
    }

    static double counter(String endpoint, String outcome) {
        String line = "latchkey_verify_requests_total{endpoint=\"" + endpoint + "\",outcome=\"" + outcome + "\"";
        for (String l : given().get("/q/metrics").asString().split("\n")) {
            if (l.startsWith(line)) { // the classic format may end the labels with a comma
                return Double.parseDouble(l.substring(l.indexOf("} ") + 2).trim());
            }
        }
        return 0;
    }
}
