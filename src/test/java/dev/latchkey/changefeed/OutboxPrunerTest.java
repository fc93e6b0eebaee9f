package dev.latchkey.changefeed;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.vocabulary.KeyKind;

/**
 * Pruning deletes only old rows of finished transactions and raises the high-water mark; a replica whose feed is at or
 * below the mark reloads its cache instead of trusting a feed with holes.
 */
@QuarkusTest
class OutboxPrunerTest {

    @Inject
    OutboxPruner pruner;

    @Inject
    ChangeListener listener;

    @Inject
    KeyCache cache;

    @Inject
    MeterRegistry registry;

    static long scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void oldRowsArePrunedAndTheMarkRisesToTheHighestDeletedTransaction() throws Exception {
        try (Connection c = PostgresTestResource.connect(); Statement s = c.createStatement()) {
            long oldTx = scalar(s,
                    "with i as (insert into key_invalidations (organization_id, created_at) "
                            + "values (1, now() - interval '3 days'), (1, now() - interval '2 days') returning txid) "
                            + "select max(txid)::text::bigint from i");
            long recent = scalar(s, "with i as (insert into key_invalidations (organization_id) values (1) "
                    + "returning id) select id from i");
            assertTrue(pruner.prune() >= 2);
            assertEquals(0,
                    scalar(s, "select count(*) from key_invalidations where created_at < now() - interval '1 day'"));
            assertEquals(1, scalar(s, "select count(*) from key_invalidations where id = " + recent),
                    "recent rows stay");
            assertTrue(scalar(s, "select through_txid::text::bigint from key_invalidations_pruned") >= oldTx);
        }
    }

    /**
     * The reload is seen in the cache itself: an entry planted in it (no such row exists, so nothing but a full reload
     * removes it — the resync runs by hand here) is gone, the reload counter rose, and a real key still verifies.
     */
    @Test
    void aReplicaBehindThePruneMarkReloadsItsCache() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        String planted = "PLANTED000000000";
        assertTrue(cache.putLoaded(planted, new CachedKey(-1, planted, cache.handle(-1), KeyKind.SERVICE, "lks", "p",
                new byte[32], null, false, true, "viewer", true, new long[0], 0, null), cache.generation()));
        double reloads = registry.get(FeedMetrics.RELOADS).counter().count();
        long mark;
        try (Connection c = PostgresTestResource.connect(); Statement s = c.createStatement();
                // as if rows up to this very transaction had been pruned before this replica read them
                ResultSet rs = s.executeQuery("update key_invalidations_pruned set through_txid = pg_current_xact_id()"
                        + " returning through_txid::text::bigint")) {
            rs.next();
            mark = rs.getLong(1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !cache.contains(planted));
        assertTrue(registry.get(FeedMetrics.RELOADS).counter().count() > reloads, "counted");
        // done only once the feed is past the mark: a reload whose snapshot still saw a transaction older than the
        // mark running must reload again (it may have missed that transaction's pruned rows), and would otherwise do
        // so during the next test
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listener.horizonAfterPoll() > mark);
        io.restassured.RestAssured.given().contentType("application/json").body(Map.of("key", k[1])).post("/verify")
                .then().statusCode(200).body("code", org.hamcrest.Matchers.is("VALID"));
    }
}
