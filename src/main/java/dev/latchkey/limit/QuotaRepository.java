package dev.latchkey.limit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import dev.latchkey.common.db.Writes;

/** The durable quota counts (table key_quotas, V14) with plain JDBC. */
@Singleton
public class QuotaRepository {

    /** A flush's outcome: the flush counter after it, and the durable count and the quota's size then. */
    public record Flushed(long flushed, long remaining, long size) {
    }

    /** A key's durable count. */
    public record Row(int generation, long remaining, long refillIndex, long flushed) {
    }

    private final DataSource dataSource;

    public QuotaRepository(@Writes DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The row of a key, or null. */
    public Row read(long keyPk) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select generation, remaining, refill_index, flushed from key_quotas where api_key_id = ?")) {
            s.setLong(1, keyPk);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Row(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)) : null;
            }
        }
    }

    /**
     * Subtracts units spent under one generation and refill index, applying that refill first if the row has not yet
     * (the same rule as the counters: raise to the amount, never lower). Returns the flush counter after it, or -1 when
     * the key's quota has been set anew since (the units belonged to the old setting and are dropped); with it, the
     * count after the write and the quota's size (0 when unknown: a quota set before sizes were kept).
     */
    public Flushed flush(long keyPk, int generation, long refillIndex, long refillAmount, long units)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                   update key_quotas
                      set remaining = (case when ? >= 0 and refill_index < ? then greatest(remaining, ?)
                                            else remaining end) - ?,
                          refill_index = greatest(refill_index, ?),
                          flushed = flushed + ?,
                          size = case when ? >= 0 then ? else size end
                    where api_key_id = ? and generation = ?
                returning flushed, remaining, coalesce(size, 0)""")) {
            s.setLong(1, refillAmount);
            s.setLong(2, refillIndex);
            s.setLong(3, refillAmount);
            s.setLong(4, units);
            s.setLong(5, refillIndex);
            s.setLong(6, units);
            s.setLong(7, refillAmount);
            s.setLong(8, refillAmount);
            s.setLong(9, keyPk);
            s.setInt(10, generation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Flushed(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : null;
            }
        }
    }

    /** Sets a key's quota anew (management API, inside its transaction). */
    public void set(Connection c, long keyPk, int generation, long remaining, long refillIndex, long size)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into key_quotas (api_key_id, generation, remaining, refill_index, size) values (?, ?, ?, ?, ?)
                on conflict (api_key_id) do update
                   set generation = excluded.generation, remaining = excluded.remaining,
                       refill_index = excluded.refill_index, size = excluded.size""")) {
            s.setLong(1, keyPk);
            s.setInt(2, generation);
            s.setLong(3, remaining);
            s.setLong(4, refillIndex);
            s.setLong(5, size);
            s.executeUpdate();
        }
    }

    /** Removes a key's quota (management API, inside its transaction). */
    public void remove(Connection c, long keyPk) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from key_quotas where api_key_id = ?")) {
            s.setLong(1, keyPk);
            s.executeUpdate();
        }
    }
}
