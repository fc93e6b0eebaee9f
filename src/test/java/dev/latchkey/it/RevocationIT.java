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
 * B, changed through A with 32 requests in flight, so that transactions commit out of id order. The resync is set to a
 * thousand hours here (a slice every 25 h): what is tested is the change feed alone. Each wait polls B until every key
 * has its new answer and prints how long that took; it fails only past a bound generous for two shared cores.
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

    /** The README's promise for a revoke, in CI terms: generous on 2 shared cores; the measured time is printed. */
    static final Duration BOUND = Duration.ofSeconds(5);

    /**
     * Waits (polling B, no fixed sleep) until every body gets {@code expected} there; returns the milliseconds from
     * {@code sinceNanos} until a poll first saw them all. Fails past {@link #BOUND}, naming what was still wrong.
     */
    static long awaitAtB(List<Map<String, Object>> bodies, String expected, long sinceNanos) {
        List<List<String>> last = new ArrayList<>();
        last.add(List.of());
        try {
            Awaitility.await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<String> wrong = wrongAtB(bodies, expected);
                last.set(0, wrong);
                return wrong.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    bodies.size() + " expected " + expected + " on B within " + BOUND + "; still wrong: " + last.get(0),
                    e);
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    @Test
    void fourHundredConcurrentRevokesAreAllRefusedOnTheOtherReplica() throws Exception {
        Org o = newOrg();
        List<String[]> keys = keys(o, o.token(), 400,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        assertEquals(List.of(), wrongAtB(bodies(keys), "VALID"), "all 400 cached on B");

        AtomicLong lastAnswered = new AtomicLong();
        Parallel.forEach(IN_FLIGHT, keys, k -> {
            Http.expect("POST", o.path("/keys/" + k[0] + "/revoke"), o.token(), null, 200);
            lastAnswered.accumulateAndGet(System.nanoTime(), Math::max);
        });
        long ms = awaitAtB(bodies(keys), "REVOKED", lastAnswered.get());
        System.out.printf("400 revokes, %d in flight: all REVOKED on B %d ms after the last answer (a poll of all 400 "
                + "included)%n", IN_FLIGHT, ms);
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
        long revokedMs = awaitAtB(bodies(revoked), "REVOKED", lastAnswered.get());
        long membersMs = awaitAtB(personalBodies, "FORBIDDEN", lastAnswered.get());
        long rolesMs = awaitAtB(writeBodies, "INSUFFICIENT_PERMISSIONS", lastAnswered.get());
        System.out.printf(
                "%d changes (200 revokes, 100 member removals, 10 role changes), %d in flight; all effective on B "
                        + "after the last answer: revokes %d ms, member removals %d ms, role changes %d ms (each "
                        + "including a poll of its keys)%n",
                changes.size(), IN_FLIGHT, revokedMs, membersMs, rolesMs);
    }

    @Test
    void killingTheListenersConnectionDuringABurstOfRevokesMissesNothing() throws Exception {
        Org o = newOrg();
        List<String[]> keys = keys(o, o.token(), 400,
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        assertEquals(List.of(), wrongAtB(bodies(keys), "VALID"));
        AtomicBoolean burst = new AtomicBoolean(true);
        AtomicInteger killed = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> killerFailed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread killer = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                while (burst.get()) {
                    try (var rs = s.executeQuery("select count(*) filter (where pg_terminate_backend(pid)) "
                            + "from pg_stat_activity where application_name = 'latchkey-changes' "
                            + "and datname = current_database()")) {
                        rs.next();
                        killed.addAndGet(rs.getInt(1));
                    }
                    Thread.sleep(40); // the kill cadence, not a wait for anything
                }
            } catch (Exception e) {
                killerFailed.set(e); // reported by the test thread below: a throw here would be lost
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
        if (killerFailed.get() != null) {
            throw new AssertionError("the thread killing the listeners' connections failed", killerFailed.get());
        }
        assertTrue(killed.get() > 0, "the listeners' connections were terminated during the burst");
        long ms = awaitAtB(bodies(keys), "REVOKED", lastAnswered.get());
        System.out.printf("listener connections killed %d times during 400 revokes; all refused on B %d ms after "
                + "the last answer (reconnect delay 200 ms)%n", killed.get(), ms);
    }
}
