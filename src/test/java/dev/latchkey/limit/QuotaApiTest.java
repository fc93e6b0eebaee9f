package dev.latchkey.limit;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.TestClock;

/**
 * Quotas end to end on one replica (the embedded store; SharedLimitsIT runs three replicas on Redis): set, shown, spent
 * with {@code cost}, exact under concurrent calls, written to PostgreSQL, refilled at a boundary reached by the
 * injected clock, denied per endpoint as README, "Verify API" and "Rate limits and quotas" say, set anew and removed by
 * PATCH, and bad input refused.
 */
@QuarkusTest
class QuotaApiTest {

    @Inject
    TestClock clock;

    @Inject
    DataSource dataSource;

    static String[] quotaKey(Api.Fixture o, Map<String, Object> quota) {
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        body.put("quota", quota);
        return Api.key(o.slug(), o.token(), body);
    }

    static Response verify(String key, Object cost) {
        Map<String, Object> body = new HashMap<>(Map.of("key", key));
        if (cost != null) {
            body.put("cost", cost);
        }
        return given().contentType("application/json").body(body).post("/verify");
    }

    long durableRemaining(String keyId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select q.remaining from key_quotas q join api_keys k on k.id = q.api_key_id where k.key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    @Test
    void concurrentCallsSpendExactlyTheQuotaWhichIsShownAndWritten() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = quotaKey(o, Map.of("remaining", 500));
        as(o.token()).get(o.keys() + "/" + k[0]).then().statusCode(200).body("quota.remaining", is(500))
                .body("quota.refill", nullValue()).body("quota.refillAt", nullValue());
        List<String> codes = Collections.synchronizedList(new ArrayList<>());
        String base = "http://127.0.0.1:" + io.restassured.RestAssured.port; // a keep-alive client: calls overlap
        Parallel.forEach(16, IntStream.range(0, 1_000).boxed().toList(),
                i -> codes.add(Http.code(base, Map.of("key", k[1]))));
        assertEquals(500, Collections.frequency(codes, "VALID"));
        assertEquals(500, Collections.frequency(codes, "USAGE_EXCEEDED"));
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("quota.remaining", is(0));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> durableRemaining(k[0]) == 0);
    }

    @Test
    void costSpendsThatManyUnitsAndZeroOnlyChecks() {
        Api.Fixture o = Api.fixture();
        String[] k = quotaKey(o, Map.of("remaining", 10));
        verify(k[1], 3).then().statusCode(200).body("code", is("VALID")).body("quota.remaining", is(7))
                .body("quota.refillAt", nullValue());
        verify(k[1], 0).then().body("code", is("VALID")).body("quota.remaining", is(7));
        verify(k[1], 8).then().body("code", is("USAGE_EXCEEDED")).body("valid", is(false)).body("quota.remaining",
                is(7));
        verify(k[1], 7).then().body("code", is("VALID")).body("quota.remaining", is(0));
        verify(k[1], 0).then().body("code", is("USAGE_EXCEEDED"));
        for (Object bad : List.of(-1, 1.5, "1", 1_000_001, true)) {
            verify(k[1], bad).then().statusCode(400).body("code", is("validation_failed")).body("errors.field",
                    hasItem("cost"));
        }
        // a key without a quota ignores cost, and its answer has no quota
        String[] plain = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        verify(plain[1], 5).then().body("code", is("VALID")).body("quota", nullValue());
    }

    @Test
    void aRefillAtTheBoundaryComesFromTheInjectedClock() {
        Api.Fixture o = Api.fixture();
        String[] k = quotaKey(o, Map.of("remaining", 1, "refill", Map.of("amount", 5, "interval", "PT1H")));
        long next = (clock.millis() / 3_600_000 + 1) * 3_600_000;
        String nextAt = Instant.ofEpochMilli(next).toString();
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("quota.remaining", is(1))
                .body("quota.refill.amount", is(5)).body("quota.refill.interval", is("PT1H"))
                .body("quota.refillAt", is(nextAt));
        verify(k[1], null).then().body("code", is("VALID")).body("quota.remaining", is(0)).body("quota.refillAt",
                is(nextAt));
        verify(k[1], null).then().body("code", is("USAGE_EXCEEDED"));
        // gateways: 429 with the wait until the refill; 403 in nginx mode
        Response gw = given().header("X-API-Key", k[1]).get("/authorize");
        assertEquals(429, gw.statusCode());
        assertEquals("USAGE_EXCEEDED", gw.header("X-Latchkey-Code"));
        long wait = Long.parseLong(gw.header("Retry-After"));
        assertTrue(wait >= 1 && wait <= 3_600, "Retry-After " + wait);
        given().header("X-API-Key", k[1]).header("X-Latchkey-Mode", "nginx").get("/authorize").then().statusCode(403)
                .header("X-Latchkey-Code", is("USAGE_EXCEEDED")).header("Retry-After", notNullValue());
        clock.advance(Duration.ofMillis(next - clock.millis()));
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("quota.remaining", is(5)).body("quota.refillAt",
                is(Instant.ofEpochMilli(next + 3_600_000).toString()));
        verify(k[1], 2).then().body("code", is("VALID")).body("quota.remaining", is(3));
        verify(k[1], 1).then().body("quota.remaining", is(2)); // once per boundary: not raised again
    }

    @Test
    void withoutARefillASpentQuotaIsA403AtTheGateway() {
        Api.Fixture o = Api.fixture();
        String[] k = quotaKey(o, Map.of("remaining", 0));
        Response gw = given().header("Authorization", "Bearer " + k[1]).get("/authorize");
        assertEquals(403, gw.statusCode());
        assertEquals("USAGE_EXCEEDED", gw.header("X-Latchkey-Code"));
        assertNull(gw.header("Retry-After"));
    }

    @Test
    void aRateLimitedCallSpendsNoQuota() {
        Api.Fixture o = Api.fixture();
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()),
                "rateLimit", Map.of("limit", 2, "windowSeconds", 3600), "quota", Map.of("remaining", 10)));
        String[] k = Api.key(o.slug(), o.token(), body);
        verify(k[1], null).then().body("code", is("VALID")).body("quota.remaining", is(9));
        verify(k[1], null).then().body("code", is("VALID")).body("quota.remaining", is(8));
        verify(k[1], null).then().body("code", is("RATE_LIMITED"));
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("quota.remaining", is(8));
    }

    @Test
    void patchSetsTheQuotaAnewAndNullRemovesIt() {
        Api.Fixture o = Api.fixture();
        String[] k = quotaKey(o, Map.of("remaining", 2));
        verify(k[1], 2).then().body("code", is("VALID"));
        as(o.token()).body(Map.of("quota", Map.of("remaining", 3, "refill", Map.of("amount", 3, "interval", "daily"))))
                .patch(o.keys() + "/" + k[0]).then().statusCode(200).body("quota.remaining", is(3))
                .body("quota.refill.interval", is("daily"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "VALID".equals(verify(k[1], 1).then().extract().path("code")));
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("quota.remaining", is(2));
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.updated").then().statusCode(200)
                .body("items[0].details.quota.to.remaining", is(3));
        Map<String, Object> clear = new HashMap<>();
        clear.put("quota", null);
        as(o.token()).body(clear).patch(o.keys() + "/" + k[0]).then().statusCode(200).body("quota", nullValue());
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> verify(k[1], 1).then().extract().path("quota") == null);
        for (int i = 0; i < 5; i++) {
            verify(k[1], 1).then().body("code", is("VALID"));
        }
    }

    @Test
    void badQuotasAreA400NamingTheField() {
        Api.Fixture o = Api.fixture();
        Map<Object, String> cases = new HashMap<>();
        cases.put(Map.of("remaining", -1), "quota.remaining");
        cases.put(Map.of("remaining", "x"), "quota.remaining");
        cases.put(Map.of("refill", Map.of("amount", 5, "interval", "daily")), "quota.remaining");
        cases.put(Map.of("remaining", 1, "refill", Map.of("amount", 0, "interval", "daily")), "quota.refill.amount");
        cases.put(Map.of("remaining", 1, "refill", Map.of("amount", 1, "interval", "weekly")), "quota.refill.interval");
        cases.put(Map.of("remaining", 1, "extra", 1), "quota.extra");
        cases.forEach((quota, field) -> {
            Map<String, Object> body = new HashMap<>(
                    Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
            body.put("quota", quota);
            Response r = Api.createKey(o.slug(), o.token(), body);
            assertEquals(400, r.statusCode(), quota + ": " + r.asString());
            assertTrue(r.asString().contains(field), quota + " names " + field + ": " + r.asString());
        });
    }
}
