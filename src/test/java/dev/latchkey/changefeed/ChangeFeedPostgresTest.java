package dev.latchkey.changefeed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.PostgresTestResource;

/**
 * The real feed ({@link ChangeFeed} reading through {@link OutboxReader}) against real PostgreSQL transactions: writers
 * on their own connections open transactions that insert outbox rows, and commit or roll back in a seeded random order
 * interleaved with the feed's reads (a small read limit, so reads stop inside transactions too). Every committed row is
 * applied exactly once and no rolled-back row ever is, across 200 interleavings; the run also shows that commits really
 * came out of id order (the case an "id > last seen" reader gets wrong).
 */
@QuarkusTest
class ChangeFeedPostgresTest {

    /** Rows of this test only: the application's own listener reads the same table and ignores this organization. */
    static final long ORG = -4242;
    static final int WRITERS = 4;
    static final int INTERLEAVINGS = 200;

    /** One writer's open transaction: its connection and the outbox rows it inserted so far. */
    static final class Writer {
        final Connection c;
        final List<Long> open = new ArrayList<>();

        Writer(Connection c) throws SQLException {
            this.c = c;
            c.setAutoCommit(false);
        }
    }

    @Test
    void everyCommittedRowIsAppliedOnceAndNoRolledBackRowEver() throws Exception {
        Random random = new Random(20261206);
        int outOfOrder = 0;
        int rows = 0;
        int rolledBack = 0;
        try (Connection reader = PostgresTestResource.connect()) {
            List<Writer> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                writers.add(new Writer(PostgresTestResource.connect()));
            }
            try {
                for (int round = 0; round < INTERLEAVINGS; round++) {
                    ChangeFeed feed = new ChangeFeed(OutboxReader.snapshotXmin(reader));
                    Set<Long> inserted = new HashSet<>(); // this round's rows: a new feed starting at a snapshot's
                    // xmin also returns earlier rows at or above it (the listener reloads the cache before it reads)
                    Set<Long> committed = new HashSet<>();
                    Set<Long> aborted = new HashSet<>();
                    Map<Long, Integer> applied = new HashMap<>();
                    long[] highestApplied = { -1 };
                    int[] lateLowerIds = { 0 };
                    ChangeFeed.Sink sink = fresh -> {
                        for (Change ch : fresh) {
                            if (ch.orgId() == ORG && inserted.contains(ch.id())) {
                                applied.merge(ch.id(), 1, Integer::sum);
                                if (ch.id() < highestApplied[0]) {
                                    lateLowerIds[0]++; // visible after a higher id had been applied
                                }
                                highestApplied[0] = Math.max(highestApplied[0], ch.id());
                            }
                        }
                    };
                    ChangeFeed.Source source = (horizon, afterTxid, afterId, limit) -> OutboxReader.read(reader,
                            horizon, afterTxid, afterId, limit);
                    for (int step = 0; step < 30; step++) {
                        Writer w = writers.get(random.nextInt(WRITERS));
                        int action = random.nextInt(10);
                        if (action < 4) { // insert into this writer's transaction (opening one if needed)
                            long id = insert(w.c);
                            w.open.add(id);
                            inserted.add(id);
                        } else if (action < 7 && !w.open.isEmpty()) { // end it
                            if (random.nextInt(8) == 0) {
                                w.c.rollback();
                                aborted.addAll(w.open);
                            } else {
                                w.c.commit();
                                committed.addAll(w.open);
                            }
                            w.open.clear();
                        } else { // the feed reads what is there now
                            assertTrue(feed.drain(source, 1 + random.nextInt(3), sink), "nothing was pruned");
                        }
                    }
                    for (Writer w : writers) { // finish every transaction, then read until the feed is past them
                        if (!w.open.isEmpty()) {
                            w.c.commit();
                            committed.addAll(w.open);
                            w.open.clear();
                        }
                    }
                    assertTrue(feed.drain(source, 2, sink));
                    for (Long id : committed) {
                        assertEquals(1, applied.getOrDefault(id, 0), "round " + round + ": committed row " + id);
                    }
                    for (Long id : aborted) {
                        assertEquals(0, applied.getOrDefault(id, 0), "round " + round + ": rolled-back row " + id);
                    }
                    assertEquals(committed, applied.keySet(), "round " + round + ": nothing else applied");
                    outOfOrder += lateLowerIds[0];
                    rows += committed.size();
                    rolledBack += aborted.size();
                }
            } finally {
                for (Writer w : writers) {
                    w.c.rollback();
                    w.c.close();
                }
            }
        }
        System.out.printf(
                "change feed on PostgreSQL: %d interleavings, %d committed rows applied exactly once, %d "
                        + "rolled-back rows never; %d rows became visible after a higher id had been applied%n",
                INTERLEAVINGS, rows, rolledBack, outOfOrder);
        assertTrue(outOfOrder > 0, "commits came out of id order (what the feed is for)");
        assertTrue(rolledBack > 0, "some transactions rolled back");
    }

    private static long insert(Connection c) throws SQLException {
        try (PreparedStatement s = c
                .prepareStatement("insert into key_invalidations (organization_id) values (?) returning id")) {
            s.setLong(1, ORG);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
