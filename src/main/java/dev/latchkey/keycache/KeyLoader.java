package dev.latchkey.keycache;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.db.Db;
import dev.latchkey.common.db.Writes;
import dev.latchkey.limit.QuotaSpec;
import dev.latchkey.limit.Refill;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.route.RouteRules;

/**
 * Reads cached keys with plain JDBC, one round trip per query, each with a fingerprint computed by PostgreSQL from the
 * row version that was read, so the resync can later ask "has this changed?" for a whole slice of keys by comparing
 * 8-byte numbers. ({@link OrgLoader} reads what keys share.) Runs on worker threads only.
 */
@ApplicationScoped
public class KeyLoader {

    /**
     * A key row with its workspace ids, looked up per key (few keys: the index answers each). A key over all workspaces
     * has none (its scope is the organization's live workspaces), so it skips the look-up.
     */
    private static final String KEY_FROM = """
             from api_keys k
            cross join lateral (select case when k.all_workspaces then '{}'::bigint[]
                                            else array(select aw.workspace_id from api_key_workspaces aw
                                                        where aw.api_key_id = k.id order by 1) end as ws_ids) w
            """;
    /** The same for every key at once (warm-up): one pass over the scope table, hash-joined. */
    private static final String KEY_FROM_BULK = """
             from api_keys k
             left join (select api_key_id, array_agg(workspace_id order by workspace_id) as ids
                          from api_key_workspaces group by api_key_id) a on a.api_key_id = k.id
            cross join lateral (select case when k.all_workspaces then '{}'::bigint[]
                                            else coalesce(a.ids, '{}'::bigint[]) end as ws_ids) w
            """;
    /**
     * Which version of a key row (and its workspace set) an entry was built from. {@code xmin} is the transaction that
     * wrote the row version, so every UPDATE — through the service or an operator's SQL — changes it, and a restored
     * row has a new one; the workspace set is a separate table and is hashed with it. Reading it costs next to nothing,
     * where hashing the row's text cost the resync 11 µs per key.
     */
    private static final String KEY_FINGERPRINT = "hashtextextended(k.xmin::text || '/' || w.ws_ids::text, 0)";
    /** Read by position (faster than by name for a million rows): keep {@link #readKey} in step. */
    private static final String KEY_COLUMNS = """
            select k.id, k.key_id, k.organization_id, k.kind, k.prefix, k.name, k.secret_hash, k.previous_secret_hash,
                   k.previous_secret_expires_at, k.expires_at,
                   (k.revoked_at is not null or k.deleted_at is not null) as revoked, k.enabled, k.role,
                   k.permissions, k.all_workspaces, k.owner_subject, k.meta::text as meta, k.rate_limit,
                   k.rate_limit_window_seconds, k.ip_allowlist,
                   case when k.all_workspaces then null else w.ws_ids end as ws_ids, """ + KEY_FINGERPRINT
            + " as fp, k.routes, k.quota_generation, k.quota_refill_amount, k.quota_refill_interval,"
            + " k.import_prefix, k.imported_secret";
    private static final String KEY_SELECT = KEY_COLUMNS + KEY_FROM;

    private static final long[] NO_WORKSPACES = new long[0];
    private final DataSource dataSource;
    /** The primary, for this replica's own changes when it reads a standby (see {@link #loadKeysFromPrimary}). */
    private final DataSource writes;
    private final java.util.concurrent.ConcurrentHashMap<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    public KeyLoader(DataSource dataSource, @Writes DataSource writes) {
        this.dataSource = dataSource;
        this.writes = writes;
    }

    /** The keys with these public ids (deleted and revoked ones too: they are cached as REVOKED). */
    public List<CachedKey> loadKeys(Collection<String> keyIds, LongFunction<OrgHandle> handles) throws SQLException {
        return loadKeys(dataSource, keyIds, handles);
    }

    /**
     * The same, read from the primary: a change this replica just committed there, which the standby it reads may not
     * have replayed yet.
     */
    public List<CachedKey> loadKeysFromPrimary(Collection<String> keyIds, LongFunction<OrgHandle> handles)
            throws SQLException {
        return loadKeys(writes, keyIds, handles);
    }

    /**
     * The primary's snapshot {@code xmax} now: above every transaction that has committed there, so above a change this
     * replica has just committed.
     */
    public long primaryXmax() throws SQLException {
        try (Connection c = writes.getConnection();
                PreparedStatement s = c
                        .prepareStatement("select pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<CachedKey> loadKeys(DataSource from, Collection<String> keyIds, LongFunction<OrgHandle> handles)
            throws SQLException {
        List<CachedKey> out = new ArrayList<>(keyIds.size());
        if (keyIds.isEmpty()) {
            return out;
        }
        boolean one = keyIds.size() == 1; // a request's miss: a plain equality, the unique index's best case
        try (Connection c = from.getConnection(); PreparedStatement s = c
                .prepareStatement(KEY_SELECT + (one ? " where k.key_id = ?" : " where k.key_id = any(?)"))) {
            if (one) {
                s.setString(1, keyIds.iterator().next());
            } else {
                s.setArray(1, c.createArrayOf("varchar", keyIds.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(readKey(rs, handles));
                }
            }
        }
        return out;
    }

    /**
     * Streams up to {@code limit} live keys in one query (warm-up): all of them when they fit, else the most recently
     * used (only then is the table sorted — sorting a million rows cost more than half a second).
     */
    public void streamLive(long limit, LongFunction<OrgHandle> handles, Consumer<CachedKey> sink) throws SQLException {
        String live = " where k.deleted_at is null and k.revoked_at is null";
        try (Connection c = dataSource.getConnection()) {
            boolean all;
            try (PreparedStatement s = c.prepareStatement("select count(*) from api_keys k" + live);
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                all = rs.getLong(1) <= limit;
            }
            c.setAutoCommit(false); // a cursor (fetch size) needs a transaction in pgjdbc
            try (PreparedStatement s = c.prepareStatement(
                    KEY_COLUMNS + KEY_FROM_BULK + (all ? live : " left join key_last_used u on u.api_key_id = k.id"
                            + live + " order by u.at desc nulls last, k.id desc limit " + limit))) {
                s.setFetchSize(10_000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(readKey(rs, handles));
                    }
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    /** A key row's public id and fingerprint (resync). */
    public record Fingerprint(String keyId, long fingerprint) {
    }

    /** The fingerprints of the key rows whose id is in {@code [fromId, toId)}: one index range scan. */
    public List<Fingerprint> keyFingerprints(long fromId, long toId) throws SQLException {
        List<Fingerprint> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select k.key_id, " + KEY_FINGERPRINT + " as fp " + KEY_FROM + " where k.id >= ? and k.id < ?")) {
            s.setLong(1, fromId);
            s.setLong(2, toId);
            s.setFetchSize(0);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fingerprint(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    /** The lowest and the highest key row id ({0, -1} without keys). */
    public long[] keyIdRange() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c
                        .prepareStatement("select coalesce(min(id), 0), coalesce(max(id), -1) from api_keys");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return new long[] { rs.getLong(1), rs.getLong(2) };
        }
    }

    private CachedKey readKey(ResultSet rs, LongFunction<OrgHandle> handles) throws SQLException {
        String keyId = rs.getString(2);
        String role = rs.getString(13);
        Grant permissions = role != null ? null : Grant.of(Arrays.asList(Db.strings(rs.getArray(14))));
        List<Cidr> allowlist = null;
        String[] cidrs = Db.strings(rs.getArray(20));
        if (cidrs != null) {
            List<Cidr> parsed = new ArrayList<>(cidrs.length);
            for (String c : cidrs) {
                parsed.add(Cidr.parse(c));
            }
            allowlist = List.copyOf(parsed);
        }
        int rate = rs.getInt(18);
        Integer rateLimit = rs.wasNull() ? null : rate;
        int window = rs.getInt(19);
        Integer rateWindow = rs.wasNull() ? null : window;
        long[] workspaceIds = NO_WORKSPACES;
        Array ws = rs.getArray(21); // null for keys over all workspaces
        if (ws != null) {
            Long[] ids = (Long[]) ws.getArray();
            workspaceIds = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                workspaceIds[i] = ids[i];
            }
            Arrays.sort(workspaceIds);
        }
        String name = rs.getString(6);
        OrgHandle org = handles.apply(rs.getLong(3));
        CachedKey.Extras extras = new CachedKey.Extras(rs.getBytes(8), instant(rs.getTimestamp(9)), permissions,
                rs.getString(16), rs.getString(17), rateLimit, rateWindow, allowlist,
                RouteRules.fromStored(Db.strings(rs.getArray(23))), quota(rs), null, imported(rs));
        return new CachedKey(rs.getLong(1), keyId, org, KeyKind.fromWire(rs.getString(4)), canonical(rs.getString(5)),
                keyId.equals(name) ? keyId : name, // the default name is the keyId: one string for both
                rs.getBytes(7), instant(rs.getTimestamp(10)), rs.getBoolean(11), rs.getBoolean(12), canonical(role),
                rs.getBoolean(15), org.workspaces(workspaceIds), rs.getLong(22), extras);
    }

    /** What an imported key answers to (columns 27 and 28), or null. */
    private CachedKey.Imported imported(ResultSet rs) throws SQLException {
        String which = rs.getString(28);
        if (which == null) {
            return null;
        }
        return new CachedKey.Imported(canonical(rs.getString(27)), "current".equals(which));
    }

    private static QuotaSpec quota(ResultSet rs) throws SQLException {
        int generation = rs.getInt(24);
        if (rs.wasNull()) {
            return null;
        }
        long amount = rs.getLong(25);
        return new QuotaSpec(generation, rs.wasNull() ? null : new Refill(amount, rs.getString(26)));
    }

    /** One instance per distinct prefix or role name (a handful), instead of one per key. */
    private String canonical(String s) {
        return s == null ? null : names.computeIfAbsent(s, x -> x);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
