package dev.latchkey.it;

import static dev.latchkey.it.FailoverDrill.*;
import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.bench.RevokeStorm;
import dev.latchkey.support.Http;

/**
 * Regions and failover (README "Regions and failover"), black-box: two PostgreSQL 15 clusters made for the test, a
 * primary and a synchronous standby ({@link PostgresPair}), and two packaged replicas. A reads and writes the primary
 * through a multi-host URL ({@code targetServerType=primary}); B reads the standby and writes through the same
 * multi-host URL (the {@code writes} datasource). The last test kills the primary's postmaster with kill -9 under load
 * and promotes the standby.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionsIT {

    static final int IN_FLIGHT = 32;
    static PostgresPair pair;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        pair = PostgresPair.start();
        // a resync cycle every second: the paused-standby test sees one pass over B's own new key
        ServiceProcess[] ab = FailoverDrill.replicas(pair, "regions", Map.of("latchkey.verify.resync-interval", "2S"));
        a = ab[0];
        b = ab[1];
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
        if (pair != null) {
            pair.close();
        }
    }

    static void standbyReplay(boolean on) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(pair.standbyUrl(), "postgres", "")) {
            c.createStatement().execute(on ? "select pg_wal_replay_resume()" : "select pg_wal_replay_pause()");
        }
    }

    @Test
    @Order(1)
    void healthShowsWhatEachConnectionReaches() throws Exception {
        JsonNode atA = health(a);
        assertEquals("primary", atA.get("reads").asText());
        assertEquals("primary", atA.get("writes").asText());
        JsonNode atB = health(b);
        assertEquals("standby", atB.get("reads").asText());
        // B's writes datasource is another database: looked at every 5 s in the background (health never waits)
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> health(b).get("writes").asText().equals("primary"));
        assertEquals(1.0, Http.metric(b.baseUrl(), "latchkey_database_reads_standby"));
        assertEquals(0.0, Http.metric(a.baseUrl(), "latchkey_database_reads_standby"));
    }

    /**
     * With the standby's replay paused, B still reads its own writes (they are read back from the primary), writes its
     * usage to the primary, and does not see A's revoke until the standby replays it; its lag shows meanwhile, and the
     * revoke is refused within a second of the replay resuming.
     */
    @Test
    @Order(2)
    void aReplicaReadingAPausedStandbyWritesToThePrimaryAndSeesItsOwnWrites() throws Exception {
        Org o = newOrg(a);
        String[] fromA = newKey(o, a);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> code(b, fromA[1]).equals("VALID"));
        standbyReplay(false);
        try {
            // read after create, through B: the organization and the key are on the primary only
            Org viaB = newOrg(b);
            Http.expect("GET", b.baseUrl() + "/api/v1/orgs/" + viaB.slug(), viaB.token(), null, 200);
            String[] own = newKey(viaB, b);
            Http.expect("GET", viaB.path(b, "/keys/" + own[0]), viaB.token(), null, 200);
            assertEquals("VALID", code(b, own[1]), "B's own new key, which its standby does not have yet");
            // and stays so while B's resync, which reads the standby where the key is not, runs its cycles
            long[] checks = { 1 };
            Awaitility.await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        checks[0]++;
                        return code(b, own[1]).equals("VALID");
                    });
            Http.expect("POST", viaB.path(b, "/keys/" + own[0] + "/revoke"), viaB.token(), null, 200);
            assertEquals("REVOKED", code(b, own[1]), "B's own revoke, at once");

            // usage counted on B is flushed to the primary (the standby would refuse the write)
            // every use answered VALID, and the one REVOKED
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> usageOnPrimary(own[0]) == checks[0] + 1);

            Http.expect("POST", o.path(a, "/keys/" + fromA[0] + "/revoke"), o.token(), null, 200);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> Http.metric(b.baseUrl(), "latchkey_database_replication_lag_seconds") > 0.5);
            assertEquals("VALID", code(b, fromA[1]), "not replayed: B cannot know (its lag says how stale it is)");
            assertEquals("REVOKED", code(a, fromA[1]));
            // a lagging standby within max-staleness keeps the replica ready; health tells the lag
            assertEquals(200, Http.call("GET", b.baseUrl() + "/q/health/ready", null, null).status());
            assertTrue(health(b).get("replicationLagSeconds").asDouble() > 0.5, health(b).toString());
        } finally {
            standbyReplay(true);
        }
        long resumed = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> code(b, fromA[1]).equals("REVOKED"));
        long ms = (System.nanoTime() - resumed) / 1_000_000;
        System.out.printf("standby replay resumed: A's revoke refused on B %d ms later%n", ms);
        assertTrue(ms <= 1_000, ms + " ms");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> Http.metric(b.baseUrl(), "latchkey_database_replication_lag_seconds") == 0);
    }

    /** The primary's replay lag of the standby, in milliseconds (0 when it has replayed everything). */
    static double replayLagMillis() throws Exception {
        try (Connection c = pair.connectPrimary(); ResultSet rs = c.createStatement().executeQuery(
                "select coalesce(max(extract(epoch from replay_lag)) * 1000, 0) from pg_stat_replication")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    @Test
    @Order(3)
    void revokesThroughThePrimaryAreRefusedOnTheStandbyReplicaWithinLagPlusOneSecond() throws Exception {
        List<Double> sorted = RevokeStorm.run(a.baseUrl(), b.baseUrl(), 320, IN_FLIGHT);
        double lag = replayLagMillis();
        double p50 = RevokeStorm.percentile(sorted, 50);
        double p99 = RevokeStorm.percentile(sorted, 99);
        System.out.printf(
                "revoke on A -> refused on B (reading the standby), %d revokes with %d in flight: "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms; standby replay lag after: %.1f ms%n",
                sorted.size(), IN_FLIGHT, p50, p99, sorted.get(sorted.size() - 1), lag);
        assertEquals(320, sorted.size());
        assertTrue(p99 <= 1_000 + lag, "p99 " + p99 + " ms, lag " + lag + " ms");
    }

    /**
     * kill -9 of the primary's postmaster under load, the standby promoted by hand a second later (FailoverDrill).
     */
    @Test
    @Order(4)
    void thePrimaryKilledUnderLoadLosesNoAcknowledgedWriteAndTheServiceRecoversByItself() throws Exception {
        FailoverDrill.underLoad(pair, a, b);
    }
}
