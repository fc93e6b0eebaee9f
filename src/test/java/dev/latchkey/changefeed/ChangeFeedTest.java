package dev.latchkey.changefeed;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The change feed's logic against a model of PostgreSQL's transactions and snapshots, with every interleaving built
 * deterministically: out-of-order commits, gaps that fill later, gaps that never fill (rolled back), reads cut by the
 * row limit, failures while applying, and pruning.
 */
class ChangeFeedTest {

    /** A model outbox: transactions get increasing xids, rows get ids from one sequence at insert time. */
    static final class Outbox implements ChangeFeed.Source {
        enum State {
            RUNNING, COMMITTED, ABORTED
        }

        final Map<Long, State> tx = new HashMap<>();
        final List<Change> rows = new ArrayList<>();
        long nextXid = 100;
        long nextId = 1;
        long prunedThrough = 0;
        int reads;

        long begin() {
            tx.put(nextXid, State.RUNNING);
            return nextXid++;
        }

        long insert(long xid) {
            assertEquals(State.RUNNING, tx.get(xid));
            Change c = Change.key(nextId++, xid, 1, "k" + nextId);
            rows.add(c);
            return c.id();
        }

        void commit(long xid) {
            tx.put(xid, State.COMMITTED);
        }

        void abort(long xid) {
            tx.put(xid, State.ABORTED);
        }

        long xmin() {
            return tx.entrySet().stream().filter(e -> e.getValue() == State.RUNNING).mapToLong(Map.Entry::getKey).min()
                    .orElse(nextXid);
        }

        Set<Long> committedIds() {
            Set<Long> ids = new HashSet<>();
            rows.stream().filter(r -> tx.get(r.txid()) == State.COMMITTED).forEach(r -> ids.add(r.id()));
            return ids;
        }

        @Override
        public ChangeFeed.Batch read(long horizon, long afterTxid, long afterId, int limit) {
            reads++;
            List<Change> visible = rows.stream().filter(r -> tx.get(r.txid()) == State.COMMITTED)
                    .filter(r -> r.txid() >= horizon)
                    .filter(r -> r.txid() > afterTxid || (r.txid() == afterTxid && r.id() > afterId))
                    .sorted(Comparator.comparingLong(Change::txid).thenComparingLong(Change::id)).limit(limit).toList();
            return new ChangeFeed.Batch(xmin(), prunedThrough, visible, visible.size() >= limit);
        }
    }

    /** Drains the feed; returns the ids applied. */
    static List<Long> drain(ChangeFeed feed, Outbox box, int limit) throws SQLException {
        List<Long> applied = new ArrayList<>();
        assertTrue(feed.drain(box, limit, fresh -> fresh.forEach(c -> applied.add(c.id()))));
        return applied;
    }

    @Test
    void aTransactionThatCommitsAfterALaterOneIsNotSkipped() throws SQLException {
        Outbox box = new Outbox();
        ChangeFeed feed = new ChangeFeed(box.xmin());
        long t1 = box.begin();
        long row10 = box.insert(t1); // id taken first ...
        long t2 = box.begin();
        long row11 = box.insert(t2);
        box.commit(t2); // ... but committed second

        assertEquals(List.of(row11), drain(feed, box, 100), "the visible row is applied at once");
        assertEquals(t1, feed.horizon(), "the horizon waits for the transaction still running");
        assertEquals(1, feed.pending());

        box.commit(t1);
        assertEquals(List.of(row10), drain(feed, box, 100), "the late commit is read, the other not twice");
        assertEquals(box.nextXid, feed.horizon());
        assertEquals(0, feed.pending());
    }

    @Test
    void theLastIdSeenApproachWouldHaveLostThatRow() {
        // the design this feed replaced: "read id > lastSeen". Same interleaving, shown to lose row 10.
        Outbox box = new Outbox();
        long t1 = box.begin();
        long row10 = box.insert(t1);
        long t2 = box.begin();
        long row11 = box.insert(t2);
        box.commit(t2);
        long lastSeen = box.read(0, -1, -1, 100).rows().stream().mapToLong(Change::id).max().orElseThrow();
        box.commit(t1);
        long seen = lastSeen;
        List<Long> later = box.read(0, -1, -1, 100).rows().stream().map(Change::id).filter(id -> id > seen).toList();
        assertEquals(row11, lastSeen);
        assertEquals(List.of(), later, "row " + row10 + " is never read by id > lastSeen");
    }

    @Test
    void aRolledBackTransactionLeavesAGapThatNeverFillsAndDoesNotHoldTheFeed() throws SQLException {
        Outbox box = new Outbox();
        ChangeFeed feed = new ChangeFeed(box.xmin());
        long t1 = box.begin();
        box.insert(t1);
        long t2 = box.begin();
        long kept = box.insert(t2);
        box.commit(t2);
        assertEquals(List.of(kept), drain(feed, box, 100));
        box.abort(t1);
        assertEquals(List.of(), drain(feed, box, 100));
        assertEquals(box.nextXid, feed.horizon(), "the horizon passes the rolled-back transaction");
        long t3 = box.begin();
        long after = box.insert(t3);
        box.commit(t3);
        assertEquals(List.of(after), drain(feed, box, 100));
    }

    @Test
    void aTransactionWithMoreRowsThanOneReadIsReadWhole() throws SQLException {
        Outbox box = new Outbox();
        ChangeFeed feed = new ChangeFeed(box.xmin());
        long t = box.begin();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(box.insert(t));
        }
        box.commit(t);
        assertEquals(ids, drain(feed, box, 3));
        assertEquals(List.of(), drain(feed, box, 3));
    }

    @Test
    void aFailedApplyIsReadAgain() throws SQLException {
        Outbox box = new Outbox();
        ChangeFeed feed = new ChangeFeed(box.xmin());
        long t = box.begin();
        long row = box.insert(t);
        box.commit(t);
        assertThrows(SQLException.class, () -> feed.drain(box, 100, fresh -> {
            throw new SQLException("database went away while applying");
        }));
        assertEquals(List.of(row), drain(feed, box, 100), "the row is applied on the next read");
    }

    @Test
    void prunedRowsAboveTheHorizonForceAReload() throws SQLException {
        Outbox box = new Outbox();
        ChangeFeed feed = new ChangeFeed(box.xmin());
        long t = box.begin();
        box.insert(t);
        box.commit(t);
        box.prunedThrough = t; // deleted before this replica read it
        assertFalse(feed.drain(box, 100, fresh -> fail("nothing is applied from a pruned outbox")));
        feed.restart(box.xmin());
        assertTrue(feed.drain(box, 100, fresh -> {
        }), "after a reload from a later snapshot the mark is below the horizon");
    }

    /**
     * Random schedules (fixed seeds): writers begin, insert, commit or roll back in any order while the feed reads with
     * a small row limit. At the end every committed row was applied exactly once and no rolled-back row ever.
     */
    @Test
    void everyCommittedRowIsAppliedExactlyOnceUnderAnyInterleaving() throws SQLException {
        for (int seed = 0; seed < 2_000; seed++) {
            Random random = new Random(seed);
            Outbox box = new Outbox();
            ChangeFeed feed = new ChangeFeed(box.xmin());
            List<Long> applied = new ArrayList<>();
            List<Long> running = new ArrayList<>();
            int limit = 1 + random.nextInt(4);
            for (int step = 0; step < 60; step++) {
                int op = random.nextInt(10);
                if (op < 3 || running.isEmpty()) {
                    long t = box.begin();
                    running.add(t);
                    box.insert(t);
                } else if (op < 5) {
                    box.insert(running.get(random.nextInt(running.size())));
                } else if (op < 7) {
                    box.commit(running.remove(random.nextInt(running.size())));
                } else if (op < 8) {
                    box.abort(running.remove(random.nextInt(running.size())));
                } else {
                    feed.drain(box, limit, fresh -> fresh.forEach(c -> applied.add(c.id())));
                }
            }
            running.forEach(t -> {
                if (random.nextBoolean()) {
                    box.commit(t);
                } else {
                    box.abort(t);
                }
            });
            feed.drain(box, limit, fresh -> fresh.forEach(c -> applied.add(c.id())));
            Set<Long> unique = new HashSet<>(applied);
            assertEquals(applied.size(), unique.size(), "seed " + seed + ": a row was applied twice: " + applied);
            assertEquals(box.committedIds(), unique, "seed " + seed + ": applied rows differ from committed rows");
            assertEquals(0, feed.pending(), "seed " + seed);
        }
    }
}
