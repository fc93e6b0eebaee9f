package dev.latchkey.common.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.util.PGobject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plain JDBC for the management plane, over the pool's connections. Inside a {@code @Transactional} method the pool
 * hands out the connection enlisted in that transaction (the same one for every statement), so a change, its audit
 * record and its change-feed row commit or roll back together. Statements run when called: there is no session that
 * flushes later, so a repository writes a row when its caller says so.
 * <p>
 * Parameters: {@code null}, strings, numbers, booleans, {@code byte[]}, {@link Instant} (timestamptz), {@code String[]}
 * (text[]), {@link #ids} (bigint[]) and {@link #json} (jsonb). Failures surface as {@link DbException}, which keeps the
 * driver's SQLState (the error mapping turns a unique violation into 409 and a lost connection into 503).
 */
@ApplicationScoped
public class Db {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String[] ID = { "id" };

    /** A row of a result, read into a value. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** A jsonb parameter. */
    public record Json(Map<String, Object> value) {
    }

    /** A bigint[] parameter (for {@code = any(?)}). */
    public record Ids(Long[] value) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public Db(@Writes DataSource dataSource) {
        this.dataSource = dataSource;
        // JSON columns hold what clients sent (key meta) and audit details: a plain mapper, not the strict REST one
        this.mapper = new ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** A jsonb parameter; null stays SQL null. */
    public static Json json(Map<String, Object> value) {
        return new Json(value);
    }

    /** A bigint[] parameter. */
    public static Ids ids(Collection<Long> ids) {
        return new Ids(ids.toArray(Long[]::new));
    }

    /** Every row of a query. */
    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, params);
            try (ResultSet rs = s.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** The first row of a query, if any. */
    public <T> Optional<T> first(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql + " limit 1", row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** A count (or any single bigint). */
    public long count(String sql, Object... params) {
        return list(sql, rs -> rs.getLong(1), params).get(0);
    }

    /** An insert, update or delete: the rows it touched. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, params);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /** One statement run once per parameter row (a collection's rows). */
    public void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (Object[] params : rows) {
                bind(c, s, params);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    /**
     * An insert: the generated id. Only the id comes back ({@code returning "id"}); asking the driver for generated
     * keys in general would return the whole row, a key's secret hash included.
     */
    public long insert(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql, ID)) {
            bind(c, s, params);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong("id");
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    // ----------------------------------------------------------------------------------- reading columns

    /** A timestamptz column, or null. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A text[] column, or null. */
    public static String[] strings(ResultSet rs, String column) throws SQLException {
        return strings(rs.getArray(column));
    }

    /** A text[] value, or null. */
    public static String[] strings(Array a) throws SQLException {
        return a == null ? null : (String[]) a.getArray();
    }

    /** A bigint[] column (empty for null). */
    public static Long[] longs(ResultSet rs, String column) throws SQLException {
        Array a = rs.getArray(column);
        return a == null ? new Long[0] : (Long[]) a.getArray();
    }

    /** An int column that may be null. */
    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** A bigint column that may be null. */
    public static Long bigint(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** A jsonb column as a map, or null. */
    public Map<String, Object> map(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return mapper.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable JSON in column " + column, e);
        }
    }

    // ----------------------------------------------------------------------------------- binding

    private void bind(Connection c, PreparedStatement s, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            int at = i + 1;
            Object p = params[i];
            if (p == null) {
                s.setNull(at, Types.NULL);
            } else if (p instanceof Instant t) {
                s.setObject(at, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            } else if (p instanceof String[] a) {
                s.setArray(at, c.createArrayOf("text", a));
            } else if (p instanceof Ids ids) {
                s.setArray(at, c.createArrayOf("bigint", ids.value()));
            } else if (p instanceof Json j) {
                if (j.value() == null) {
                    s.setNull(at, Types.OTHER);
                } else {
                    PGobject o = new PGobject();
                    o.setType("jsonb");
                    try {
                        o.setValue(mapper.writeValueAsString(j.value()));
                    } catch (JsonProcessingException e) {
                        throw new SQLException("value not writable as JSON", e);
                    }
                    s.setObject(at, o);
                }
            } else {
                s.setObject(at, p);
            }
        }
    }
}
