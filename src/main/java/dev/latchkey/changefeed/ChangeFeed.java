package dev.latchkey.changefeed;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read position of one replica in the change outbox, as pure logic (no database), so that every interleaving of
 * commits can be tested deterministically.
 * <p>
 * <b>Why no committed change is ever skipped.</b> Row ids are taken at insert but become visible at commit, so they
 * commit out of order and "everything after the last id seen" loses rows. The feed instead orders by the writing
 * transaction's id and keeps a <em>horizon</em>: every transaction below it has finished. Each read is one statement
 * that returns, under a single snapshot S, every visible row with {@code txid >= horizon} and S's {@code xmin} (the
 * oldest transaction still running at S). Then:
 * <ol>
 * <li>every transaction below {@code xmin} had finished at S: its rows are in this result (committed) or never will
 * exist (rolled back) — so rows in [horizon, xmin) are complete and the horizon moves to {@code xmin};</li>
 * <li>rows at or above {@code xmin} that are already visible are applied now (latency) and remembered by id, so they
 * are not applied twice when later reads return them again;</li>
 * <li>a transaction still running at S has {@code txid >= xmin >= new horizon}: whenever it commits, the next read
 * returns its rows. Rolled-back transactions leave no rows and just fall below the horizon.</li>
 * </ol>
 * The state is kept across reconnections (a new connection simply reads from the same horizon), and a read that hit its
 * row limit advances the horizon only up to the last transaction it read completely. Pruned rows are detected by the
 * pruner's high-water mark: if it reaches the horizon, rows may be gone and the replica reloads everything.
 */
public final class ChangeFeed {

    /** One read of the outbox under one snapshot. */
    public record Batch(long snapshotXmin, long prunedThrough, List<Change> rows, boolean truncated) {
    }

    /** Where reads come from: the outbox (production) or a model of it (tests). */
    @FunctionalInterface
    public interface Source {
        /**
         * The rows with {@code txid >= horizon} visible in one snapshot, in (txid, id) order, after the position
         * {@code (afterTxid, afterId)}, at most {@code limit}; with that snapshot's {@code xmin} and the pruner's mark.
         */
        Batch read(long horizon, long afterTxid, long afterId, int limit) throws SQLException;
    }

    /** What is done with the rows a read returned for the first time. */
    @FunctionalInterface
    public interface Sink {
        void apply(List<Change> fresh) throws SQLException;
    }

    private long horizon;
    /** Row id -> txid of rows at or above the horizon that were already applied. */
    private final Map<Long, Long> appliedAbove = new HashMap<>();

    /** Starts at a horizon (the {@code xmin} of the snapshot that a full load was read after). */
    public ChangeFeed(long horizon) {
        this.horizon = horizon;
    }

    /** Every transaction with a lower id has been fully applied. */
    public long horizon() {
        return horizon;
    }

    /** Starts over from a full load read after a snapshot with this {@code xmin}. */
    public void restart(long snapshotXmin) {
        horizon = snapshotXmin;
        appliedAbove.clear();
    }

    /** Rows applied above the horizon, waiting for older transactions to finish. */
    public int pending() {
        return appliedAbove.size();
    }

    /**
     * Whether rows this replica has not read may have been deleted by the pruner, whose high-water mark (the highest
     * txid it deleted) is {@code prunedThrough}.
     */
    public boolean missedPrunedRows(long prunedThrough) {
        return prunedThrough >= horizon;
    }

    /**
     * Reads until the source has nothing more above the horizon, handing every batch of fresh rows to {@code sink}.
     * When the sink fails, the feed's position is put back to where that batch began, so its rows are read again.
     * Returns false when the pruner deleted rows this replica may not have read: the caller must reload everything and
     * {@link #restart} the feed.
     */
    public boolean drain(Source source, int limit, Sink sink) throws SQLException {
        long afterTxid = horizon;
        long afterId = -1;
        while (true) {
            Batch b = source.read(horizon, afterTxid, afterId, limit);
            if (missedPrunedRows(b.prunedThrough())) {
                return false;
            }
            long savedHorizon = horizon;
            Map<Long, Long> savedApplied = new HashMap<>(appliedAbove);
            List<Change> fresh = accept(b.rows(), b.snapshotXmin(), b.truncated());
            try {
                sink.apply(fresh);
            } catch (SQLException | RuntimeException e) {
                horizon = savedHorizon;
                appliedAbove.clear();
                appliedAbove.putAll(savedApplied);
                throw e;
            }
            if (!b.truncated()) {
                return true;
            }
            Change last = b.rows().get(b.rows().size() - 1);
            afterTxid = last.txid();
            afterId = last.id();
        }
    }

    /**
     * Takes one read: {@code visible} are the rows with {@code txid >= horizon()} visible in a snapshot whose
     * {@code xmin} is {@code snapshotXmin}, in (txid, id) order; {@code truncated} when the read stopped at its row
     * limit. Returns the rows not applied before, and advances the horizon as far as is provably complete.
     */
    public List<Change> accept(List<Change> visible, long snapshotXmin, boolean truncated) {
        long bound = snapshotXmin;
        if (truncated && !visible.isEmpty()) {
            // rows of the last transaction read may continue past the limit: complete only below it
            bound = Math.min(bound, visible.get(visible.size() - 1).txid());
        }
        List<Change> fresh = new ArrayList<>();
        for (Change c : visible) {
            if (c.txid() < horizon || appliedAbove.containsKey(c.id())) {
                continue;
            }
            fresh.add(c);
            if (c.txid() >= bound) {
                appliedAbove.put(c.id(), c.txid());
            }
        }
        if (bound > horizon) {
            horizon = bound;
            long h = horizon;
            appliedAbove.values().removeIf(txid -> txid < h);
        }
        return fresh;
    }
}
