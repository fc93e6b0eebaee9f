package dev.latchkey.changefeed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the outbox for {@link ChangeFeed}: in one statement, hence under one snapshot, the snapshot's {@code xmin}, the
 * pruner's high-water mark, and the visible rows at or above the horizon in (txid, id) order.
 */
final class OutboxReader {

    // pg_current_snapshot() is the statement's own snapshot, the one the lateral read of the outbox sees
    private static final String READ = """
            select s.xmin, s.pruned, i.id, i.txid, i.organization_id, i.key_id, i.subject,
                   (extract(epoch from i.created_at) * 1000)::bigint as written
              from (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin,
                           (select through_txid::text::bigint from key_invalidations_pruned where id = 1) as pruned) s
              left join lateral (select id, txid::text::bigint as txid, organization_id, key_id, subject, created_at
                                   from key_invalidations
                                  where txid >= ?::text::xid8 and (txid, id) > (?::text::xid8, ?)
                                  order by txid, id limit ?) i on true
            """;

    private OutboxReader() {
    }

    /**
     * Rows with {@code txid >= horizon} after the position {@code (afterTxid, afterId)} (pass {@code horizon, -1} to
     * start at the horizon), at most {@code limit}.
     */
    static ChangeFeed.Batch read(Connection c, long horizon, long afterTxid, long afterId, int limit)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(READ)) {
            s.setString(1, Long.toString(horizon));
            s.setString(2, Long.toString(afterTxid));
            s.setLong(3, afterId);
            s.setInt(4, limit);
            List<Change> rows = new ArrayList<>();
            long xmin = 0;
            long pruned = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    xmin = rs.getLong(1);
                    pruned = rs.getLong(2);
                    long id = rs.getLong(3);
                    if (rs.wasNull()) {
                        continue; // no rows: only the snapshot line
                    }
                    rows.add(new Change(id, rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getString(7),
                            rs.getLong(8)));
                }
            }
            return new ChangeFeed.Batch(xmin, pruned, rows, rows.size() >= limit);
        }
    }

    /** The {@code xmin} of a fresh snapshot: a full load read after this statement sees every change below it. */
    static long snapshotXmin(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
