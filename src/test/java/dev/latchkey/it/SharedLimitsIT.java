package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Promtool;
import dev.latchkey.support.RedisProcess;
import dev.latchkey.support.Tokens;

/**
 * Three replicas of the packaged service on one PostgreSQL and one Redis (a private redis-server that the test kills
 * and restarts empty, as a Redis that keeps nothing on disk comes back): a rate limit is one budget across replicas, a
 * quota is spent exactly by 1,000 concurrent calls spread over them, and a Redis outage makes quota keys 503 while
 * other keys stay valid — after which no unit is granted twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedLimitsIT {

    static RedisProcess redis;
    static String jdbcUrl;
    static List<ServiceProcess> replicas = new ArrayList<>();
    static String org;
    static String token;
    static String ws;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        jdbcUrl = PostgresTestResource.recreate("latchkey_it_limits");
        for (String name : List.of("limits-a", "limits-b", "limits-c")) {
            replicas.add(ServiceProcess.start(name, jdbcUrl,
                    Map.of("latchkey.redis.url", redis.url(), "latchkey.limits.quota-flush-interval", "500MS")));
        }
        RestAssured.port = replicas.get(0).port;
        String owner = Api.unique("owner");
        org = Api.org(owner);
        token = Tokens.user(owner);
        ws = Api.workspace(org, token);
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(replicas.toArray(ServiceProcess[]::new));
        redis.close();
        RestAssured.reset();
    }

    static String[] key(Map<String, Object> limits) {
        Map<String, Object> body = new java.util.HashMap<>(
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
        body.putAll(limits);
        return Api.key(org, token, body);
    }

    /** The /verify answer of replica {@code i % 3}: its status and code. */
    static String codeAt(int i, String key) {
        Http.Answer a = Http.call("POST", replicas.get(i % 3).baseUrl() + "/verify", null, Map.of("key", key));
        return a.status() == 200 ? a.body().get("code").asText() : a.status() + " " + a.body().get("code").asText();
    }

    /** Calls spread round-robin over the replicas, {@code threads} at a time; the codes. */
    static List<String> spread(int calls, int threads, String key) {
        List<String> codes = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(threads, IntStream.range(0, calls).boxed().toList(), i -> codes.add(codeAt(i, key)));
        return codes;
    }

    static long durableRemaining(String keyId) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement s = c.prepareStatement(
                        "select q.remaining from key_quotas q join api_keys k on k.id = q.api_key_id where k.key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static boolean limitsUp(ServiceProcess r) {
        Http.Answer a = Http.call("GET", r.baseUrl() + "/q/health", null, null);
        for (var check : a.body().get("checks")) {
            if (check.get("name").asText().equals("limits")) {
                return check.get("status").asText().equals("UP");
            }
        }
        throw new AssertionError("no limits check: " + a.body());
    }

    @Test
    @Order(1)
    void aRateLimitIsOneBudgetAcrossThreeReplicas() {
        String[] k = key(Map.of("rateLimit", Map.of("limit", 100, "windowSeconds", 60)));
        List<String> codes = spread(300, 12, k[1]);
        long admitted = Collections.frequency(codes, "VALID");
        System.out.printf("SharedLimitsIT: 300 calls over 3 replicas on 100 per 60 s: %d admitted, %d RATE_LIMITED%n",
                admitted, Collections.frequency(codes, "RATE_LIMITED"));
        assertTrue(admitted >= 95 && admitted <= 100, "admitted " + admitted);
        assertEquals(300 - admitted, Collections.frequency(codes, "RATE_LIMITED"));
    }

    @Test
    @Order(2)
    void aQuotaIsSpentExactlyByConcurrentCallsOnAllReplicas() throws Exception {
        String[] k = key(Map.of("quota", Map.of("remaining", 500)));
        List<String> codes = spread(1_000, 24, k[1]);
        assertEquals(500, Collections.frequency(codes, "VALID"),
                () -> "codes: " + new java.util.TreeMap<>(codes.stream().collect(
                        java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()))));
        assertEquals(500, Collections.frequency(codes, "USAGE_EXCEEDED"));
        for (ServiceProcess r : replicas) {
            assertEquals(0, Http.expect("GET", r.baseUrl() + "/api/v1/orgs/" + org + "/keys/" + k[0], token, null, 200)
                    .get("quota").get("remaining").asLong(), r.name + " reads the shared count");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> durableRemaining(k[0]) == 0);
    }

    @Test
    @Order(3)
    void redisKilledMidRunQuotaKeysAre503OthersStayValidAndNoUnitIsGrantedTwice() throws Exception {
        String[] quota = key(Map.of("quota", Map.of("remaining", 1_000)));
        String[] plain = key(Map.of());
        String[] limited = key(Map.of("rateLimit", Map.of("limit", 10_000, "windowSeconds", 60)));
        List<String> before = spread(150, 12, quota[1]);
        assertEquals(150, Collections.frequency(before, "VALID"));

        redis.kill();
        for (ServiceProcess r : replicas) {
            Awaitility.await(r.name + " notices").atMost(Duration.ofSeconds(10)).until(() -> {
                codeAt(replicas.indexOf(r), quota[1]); // a command to Redis fails and flips the mode
                return !limitsUp(r);
            });
        }
        for (int i = 0; i < 9; i++) {
            assertEquals("503 UNAVAILABLE", codeAt(i, quota[1]), "a quota cannot be answered without Redis");
            assertEquals("VALID", codeAt(i, plain[1]), "keys without limits are unaffected");
            assertEquals("VALID", codeAt(i, limited[1]), "rate limits fall back to per-replica windows");
        }
        String metrics = RawMetrics.get(replicas.get(1));
        assertTrue(metrics.contains("latchkey_redis_degraded 1.0"), "degraded gauge");

        redis.restart(); // empty: every counter is gone
        for (ServiceProcess r : replicas) {
            Awaitility.await(r.name + " recovers").atMost(Duration.ofSeconds(10)).until(() -> limitsUp(r));
        }
        List<String> after = spread(1_200, 24, quota[1]);
        long granted = Collections.frequency(after, "VALID");
        System.out.printf("SharedLimitsIT: quota of 1,000 across a Redis kill and restart: %d before + %d after%n", 150,
                granted);
        assertEquals(850, granted, "every unit granted once: " + new java.util.TreeMap<>(after.stream()
                .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()))));
        assertEquals(350, Collections.frequency(after, "USAGE_EXCEEDED"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> durableRemaining(quota[0]) == 0);
    }

    @Test
    @Order(4)
    void theRedisMetersPassPromtool() throws Exception {
        String page = RawMetrics.get(replicas.get(0));
        for (String m : List.of("latchkey_redis_duration_seconds_bucket", "latchkey_redis_commands_total",
                "latchkey_redis_degraded 0.0", "latchkey_limit_denials_total{limit=\"rate\"",
                "latchkey_quota_flush_backlog")) {
            assertTrue(page.contains(m), m);
        }
        assertFalse(page.contains("m__"), "Vert.x' unnamed client meters are left out");
        Promtool.check(page);
    }

    @Test
    @Order(5)
    void aReplicaKilledBeforeItsFlushCostsAtMostItsUnflushedUnitsAndOnlyAfterRedisLosesItsData() throws Exception {
        // D never flushes during the test; kill -9 takes its record of 30 spent units with it
        ServiceProcess d = ServiceProcess.start("limits-d", jdbcUrl,
                Map.of("latchkey.redis.url", redis.url(), "latchkey.limits.quota-flush-interval", "1H"));
        String[] k = key(Map.of("quota", Map.of("remaining", 100)));
        try {
            for (int i = 0; i < 30; i++) {
                assertEquals("VALID", Http.code(d.baseUrl(), Map.of("key", k[1])));
            }
        } finally {
            d.kill();
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("VALID", codeAt(i, k[1]));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> durableRemaining(k[0]) == 80);
        // Redis still has every unit: nothing is granted twice while it lives
        List<String> more = spread(100, 12, k[1]);
        assertEquals(50, Collections.frequency(more, "VALID"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> durableRemaining(k[0]) == 30);
        // Redis loses its data: re-seeded from PostgreSQL, which never heard of D's 30 units
        redis.kill();
        redis.restart();
        for (ServiceProcess r : replicas) {
            // the first command to the dead Redis, or the probe, notices; the probe's next ping ends it
            Awaitility.await(r.name + " recovers").atMost(Duration.ofSeconds(10)).until(() -> limitsUp(r));
        }
        List<String> after = spread(100, 12, k[1]);
        long again = Collections.frequency(after, "VALID");
        System.out.printf(
                "SharedLimitsIT: a replica killed with 30 unflushed units, then a Redis restart: %d granted again"
                        + " (the documented bound: the killed replica's unflushed units)%n",
                again);
        assertEquals(30, again, "exactly the killed replica's unflushed units, never more");
    }

    /** /q/metrics as text. */
    static final class RawMetrics {
        static String get(ServiceProcess r) throws Exception {
            return java.net.http.HttpClient.newHttpClient()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(r.baseUrl() + "/q/metrics")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
