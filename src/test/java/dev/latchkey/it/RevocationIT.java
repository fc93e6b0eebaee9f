package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.latchkey.bench.RevokeStorm;
import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Revocation under concurrent writers, two replicas of the packaged jar on one PostgreSQL: hundreds of keys cached on
 * B, changed through A with 32 requests in flight, so that transactions commit out of id order. The resync is set to an
 * thousand hours here (a slice every 25 h): what is tested is the change feed alone.
 */
class RevocationIT {

    static final int IN_FLIGHT = 32;
    static final Map<String, String> FEED_ONLY = Map.of("latchkey.verify.resync-interval", "1000H",
            "latchkey.verify.reconnect-delay", "200MS");

    static String url;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        url = PostgresTestResource.recreate("latchkey_it_revocation");
        a = ServiceProcess.start("revocation-a", url, FEED_ONLY);
        b = ServiceProcess.start("revocation-b", url, FEED_ONLY);
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
    }

    /** An organization on A: slug, owner token, one workspace. */
    record Org(String slug, String token, String ws) {
        String path(String rest) {
            return a.baseUrl() + "/api/v1/orgs/" + slug + rest;
        }
    }

    static Org newOrg() {
        String owner = Api.unique("owner");
        String slug = Api.unique("org");
        Http.expect("POST", a.baseUrl() + "/api/v1/orgs", Tokens.platformAdmin("root"),
                Map.of("slug", slug, "name", "n", "owner", owner), 201);
        Org o = new Org(slug, Tokens.user(owner), Api.unique("ws"));
        Http.expect("POST", o.path("/workspaces"), o.token(), Map.of("slug", o.ws(), "name", "n"), 201);
        return o;
    }

    /** Creates keys in parallel; returns {keyId, key} pairs. */
    static List<String[]> keys(Org o, String bearer, int n, Map<String, Object> body) {
        List<String[]> out = Collections.synchronizedList(new ArrayList<>());
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            slots.add(i);
        }
        Parallel.forEach(8, slots, i -> {
            var k = Http.expect("POST", o.path("/keys"), bearer, body, 201);
            out.add(new String[] { k.get("id").asText(), k.get("key").asText() });
        });
        return out;
    }

    /** Codes B gives for the bodies, in parallel: the ones that differ from {@code expected}, as "code" list. */
    static List<String> wrongAtB(List<Map<String, Object>> bodies, String expected) {
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(IN_FLIGHT, bodies, body -> {
            String code = Http.code(b.baseUrl(), body);
            if (!code.equals(expected)) {
                wrong.add(code);
            }
        });
        return wrong;
    }

    static List<Map<String, Object>> bodies(List<String[]> keys) {
        return keys.stream().map(k -> Map.<String, Object> of("key", k[1])).toList();
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long ms = (nanoTime - System.nanoTime()) / 1_000_000;
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    @Test
    void fourHundredConcurrentRevokesAreAllRefusedOnTheOtherReplicaWithinOneSecond() throws Exception {
        Org o = newOrg();
        List<String[]> keys = keys(o, o.token(), 400,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        assertEquals(List.of(), wrongAtB(bodies(keys), "VALID"), "all 400 cached on B");

        AtomicLong lastAnswered = new AtomicLong();
        Parallel.forEach(IN_FLIGHT, keys, k -> {
            Http.expect("POST", o.path("/keys/" + k[0] + "/revoke"), o.token(), null, 200);
            lastAnswered.accumulateAndGet(System.nanoTime(), Math::max);
        });
        sleepUntil(lastAnswered.get() + 1_000_000_000L);
        List<String> wrong = wrongAtB(bodies(keys), "REVOKED");
        System.out.printf("400 revokes, %d in flight: %d not REVOKED on B 1 s after the last answer%n", IN_FLIGHT,
                wrong.size());
        assertEquals(List.of(), wrong);
    }

    @Test
    void revokePropagationUnderThirtyTwoConcurrentRevokesIsMeasured() {
        List<Double> sorted = RevokeStorm.run(a.baseUrl(), b.baseUrl(), 320, IN_FLIGHT);
        double p50 = RevokeStorm.percentile(sorted, 50);
        double p99 = RevokeStorm.percentile(sorted, 99);
        System.out.printf(
                "revoke -> refused on B, %d revokes with %d in flight (client and both replicas on the "
                        + "same 2 cores): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                sorted.size(), IN_FLIGHT, p50, p99, sorted.get(sorted.size() - 1));
        assertEquals(320, sorted.size());
        assertTrue(p99 <= 1_000, "p99 " + p99 + " ms (generous CI bound; the benchmark reports the real figure)");
    }

    @Test
    void memberRemovalsAndRoleChangesInterleavedWithRevokesAllReachTheOtherReplica() throws Exception {
        Org o = newOrg();
        for (int r = 0; r < 10; r++) {
            Http.expect("POST", o.path("/roles"), o.token(),
                    Map.of("name", "r" + r, "permissions", List.of("read", "write")), 201);
        }
        List<String[]> byRole = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            byRole.addAll(keys(o, o.token(), 20, Map.of("kind", "service", "role", "r" + r, "scope", Api.allScope())));
        }
        List<String> members = new ArrayList<>();
        List<String[]> personal = Collections.synchronizedList(new ArrayList<>());
        for (int m = 0; m < 100; m++) {
            members.add(Api.unique("m"));
        }
        Parallel.forEach(8, members, m -> {
            Http.expect("PUT", o.path("/members/" + m), o.token(), Map.of("orgRole", "member", "role", "editor"), 200,
                    201);
            personal.addAll(
                    keys(o, Tokens.user(m), 1, Map.of("kind", "personal", "role", "viewer", "scope", Api.allScope())));
        });
        List<String[]> revoked = keys(o, o.token(), 200,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));

        List<Map<String, Object>> writeBodies = byRole.stream()
                .map(k -> Map.<String, Object> of("key", k[1], "workspace", o.ws(), "permissions", List.of("write")))
                .toList();
        List<Map<String, Object>> personalBodies = personal.stream()
                .map(k -> Map.<String, Object> of("key", k[1], "workspace", o.ws(), "permissions", List.of("read")))
                .toList();
        assertEquals(List.of(), wrongAtB(writeBodies, "VALID"));
        assertEquals(List.of(), wrongAtB(personalBodies, "VALID"));
        assertEquals(List.of(), wrongAtB(bodies(revoked), "VALID"));

        List<Runnable> changes = new ArrayList<>();
        revoked.forEach(
                k -> changes.add(() -> Http.expect("POST", o.path("/keys/" + k[0] + "/revoke"), o.token(), null, 200)));
        members.forEach(m -> changes.add(() -> Http.expect("DELETE", o.path("/members/" + m), o.token(), null, 204)));
        for (int r = 0; r < 10; r++) {
            String role = "r" + r;
            changes.add(() -> Http.expect("PUT", o.path("/roles/" + role), o.token(),
                    Map.of("permissions", List.of("read")), 200));
        }
        Collections.shuffle(changes, new Random(7));
        AtomicLong lastAnswered = new AtomicLong();
        Parallel.forEach(IN_FLIGHT, changes, change -> {
            change.run();
            lastAnswered.accumulateAndGet(System.nanoTime(), Math::max);
        });
        sleepUntil(lastAnswered.get() + 1_000_000_000L);
        List<String> wrongRevoked = wrongAtB(bodies(revoked), "REVOKED");
        List<String> wrongMembers = wrongAtB(personalBodies, "FORBIDDEN");
        List<String> wrongRoles = wrongAtB(writeBodies, "INSUFFICIENT_PERMISSIONS");
        System.out.printf(
                "%d changes (200 revokes, 100 member removals, 10 role changes), %d in flight; 1 s after the "
                        + "last answer, wrong on B: %d revoked, %d personal, %d role keys%n",
                changes.size(), IN_FLIGHT, wrongRevoked.size(), wrongMembers.size(), wrongRoles.size());
        assertEquals(List.of(), wrongRevoked);
        assertEquals(List.of(), wrongMembers);
        assertEquals(List.of(), wrongRoles);
    }

    @Test
    void killingTheListenersConnectionDuringABurstOfRevokesMissesNothing() throws Exception {
        Org o = newOrg();
        List<String[]> keys = keys(o, o.token(), 400,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        assertEquals(List.of(), wrongAtB(bodies(keys), "VALID"));
        AtomicBoolean burst = new AtomicBoolean(true);
        AtomicInteger killed = new AtomicInteger();
        Thread killer = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                while (burst.get()) {
                    try (var rs = s.executeQuery("select count(*) filter (where pg_terminate_backend(pid)) "
                            + "from pg_stat_activity where application_name = 'latchkey-changes' "
                            + "and datname = current_database()")) {
                        rs.next();
                        killed.addAndGet(rs.getInt(1));
                    }
                    Thread.sleep(40);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        killer.start();
        AtomicLong lastAnswered = new AtomicLong();
        try {
            Parallel.forEach(IN_FLIGHT, keys, k -> {
                Http.expect("POST", o.path("/keys/" + k[0] + "/revoke"), o.token(), null, 200);
                lastAnswered.accumulateAndGet(System.nanoTime(), Math::max);
            });
        } finally {
            burst.set(false);
            killer.join();
        }
        assertTrue(killed.get() > 0, "the listeners' connections were terminated during the burst");
        long start = lastAnswered.get();
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> wrongAtB(bodies(keys), "REVOKED").isEmpty());
        System.out.printf(
                "listener connections killed %d times during 400 revokes; all refused on B %.0f ms after "
                        + "the last answer (reconnect delay 200 ms)%n",
                killed.get(), (System.nanoTime() - start) / 1e6);
    }
}
