package dev.latchkey.verify.cache;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyKind;
import dev.latchkey.common.Cidr;
import dev.latchkey.member.OrgRole;

/**
 * Reads what the cache holds, with plain JDBC and one round trip per query: key rows, organization states, member
 * rights — each with a fingerprint computed by PostgreSQL from the version that was read, so the resync can later ask
 * "has this changed?" for a whole slice of keys by comparing 8-byte numbers. Runs on worker threads only.
 */
@ApplicationScoped
public class KeyLoader {

    /** A member of an organization, by subject. */
    public record MemberRef(long orgId, String subject) {
    }

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
                   case when k.all_workspaces then null else w.ws_ids end as ws_ids, """ + KEY_FINGERPRINT + " as fp";
    private static final String KEY_SELECT = KEY_COLUMNS + KEY_FROM;

    private static final String ORG_SELECT = """
            select id, slug, roles, ws_ids, ws_slugs, hashtextextended(row(slug, roles, ws_ids, ws_slugs)::text, 0) as fp
              from (select o.id, o.slug,
                           (select json_agg(json_build_object('n', r.name, 'p', r.permissions) order by r.name)
                              from roles r where r.organization_id = o.id)::text as roles,
                           array(select w.id from workspaces w where w.organization_id = o.id and w.deleted_at is null
                                  order by w.slug) as ws_ids,
                           array(select w.slug from workspaces w where w.organization_id = o.id and w.deleted_at is null
                                  order by w.slug) as ws_slugs
                      from organizations o where o.id = any(?)) x
            """;

    private static final String MEMBER_SELECT = """
            select u.org, u.sub, m.id, m.org_role, m.role, j.ws,
                   case when m.id is null then 0 else hashtextextended(row(m.org_role, m.role, j.ws)::text, 0) end as fp
              from unnest(?::bigint[], ?::text[]) as u(org, sub)
              left join members m on m.organization_id = u.org and m.subject = u.sub
              left join lateral (select json_agg(json_build_object('w', mwr.workspace_id, 'r', mwr.role)
                                                 order by mwr.workspace_id)::text as ws
                                   from member_workspace_roles mwr where mwr.member_id = m.id) j on true
            """;

    private static final long[] NO_WORKSPACES = new long[0];
    private final DataSource dataSource;
    private final ObjectMapper json;
    private final java.util.concurrent.ConcurrentHashMap<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    public KeyLoader(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** The keys with these public ids (deleted and revoked ones too: they are cached as REVOKED). */
    public List<CachedKey> loadKeys(Collection<String> keyIds, LongFunction<OrgHandle> handles) throws SQLException {
        List<CachedKey> out = new ArrayList<>(keyIds.size());
        if (keyIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(KEY_SELECT + " where k.key_id = any(?)")) {
            s.setArray(1, c.createArrayOf("varchar", keyIds.toArray()));
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
            try (PreparedStatement s = c.prepareStatement(KEY_COLUMNS + KEY_FROM_BULK + live
                    + (all ? "" : " order by k.last_used_at desc nulls last, k.id desc limit " + limit))) {
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

    /** The shared state of these organizations (absent ids: the organization does not exist). */
    public Map<Long, OrgState> loadOrgs(Collection<Long> orgIds) throws SQLException {
        Map<Long, OrgState> out = new HashMap<>();
        if (orgIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ORG_SELECT)) {
            s.setArray(1, c.createArrayOf("bigint", orgIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OrgState o = readOrg(rs);
                    out.put(o.id(), o);
                }
            }
        }
        return out;
    }

    /** The rights of these members ({@link MemberRights#ABSENT} for subjects that are not members). */
    public Map<MemberRef, MemberRights> loadMembers(Collection<MemberRef> refs) throws SQLException {
        Map<MemberRef, MemberRights> out = new HashMap<>();
        if (refs.isEmpty()) {
            return out;
        }
        Long[] orgs = new Long[refs.size()];
        String[] subjects = new String[refs.size()];
        int i = 0;
        for (MemberRef r : refs) {
            orgs[i] = r.orgId();
            subjects[i++] = r.subject();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MEMBER_SELECT)) {
            s.setArray(1, c.createArrayOf("bigint", orgs));
            s.setArray(2, c.createArrayOf("text", subjects));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(new MemberRef(rs.getLong("org"), rs.getString("sub")), readMember(rs));
                }
            }
        }
        return out;
    }

    private CachedKey readKey(ResultSet rs, LongFunction<OrgHandle> handles) throws SQLException {
        String keyId = rs.getString(2);
        String role = rs.getString(13);
        Grant permissions = role != null ? null : Grant.of(Arrays.asList(strings(rs.getArray(14))));
        List<Cidr> allowlist = null;
        String[] cidrs = strings(rs.getArray(20));
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
                rs.getString(16), rs.getString(17), rateLimit, rateWindow, allowlist);
        return new CachedKey(rs.getLong(1), keyId, org, KeyKind.fromWire(rs.getString(4)), canonical(rs.getString(5)),
                keyId.equals(name) ? keyId : name, // the default name is the keyId: one string for both
                rs.getBytes(7), instant(rs.getTimestamp(10)), rs.getBoolean(11), rs.getBoolean(12), canonical(role),
                rs.getBoolean(15), org.workspaces(workspaceIds), rs.getLong(22), extras);
    }

    /** One instance per distinct prefix or role name (a handful), instead of one per key. */
    private String canonical(String s) {
        return s == null ? null : names.computeIfAbsent(s, x -> x);
    }

    private OrgState readOrg(ResultSet rs) throws SQLException {
        Map<String, Grant> roles = new HashMap<>();
        String rolesJson = rs.getString("roles");
        if (rolesJson != null) {
            try {
                for (JsonNode r : json.readTree(rolesJson)) {
                    List<String> perms = new ArrayList<>();
                    r.get("p").forEach(p -> perms.add(p.asText()));
                    roles.put(r.get("n").asText(), Grant.of(perms));
                }
            } catch (Exception e) {
                throw new SQLException("unreadable roles", e);
            }
        }
        Long[] ids = (Long[]) rs.getArray("ws_ids").getArray();
        String[] slugs = strings(rs.getArray("ws_slugs"));
        Map<Long, String> byId = new HashMap<>();
        Map<String, Long> bySlug = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            byId.put(ids[i], slugs[i]);
            bySlug.put(slugs[i], ids[i]);
        }
        return new OrgState(rs.getLong("id"), rs.getString("slug"), Map.copyOf(roles), Map.copyOf(byId),
                Map.copyOf(bySlug), List.of(slugs), rs.getLong("fp"));
    }

    private MemberRights readMember(ResultSet rs) throws SQLException {
        rs.getLong("id");
        if (rs.wasNull()) {
            return MemberRights.ABSENT;
        }
        Map<Long, String> byWorkspace = new HashMap<>();
        String ws = rs.getString("ws");
        if (ws != null) {
            try {
                for (JsonNode r : json.readTree(ws)) {
                    byWorkspace.put(r.get("w").asLong(), r.get("r").asText());
                }
            } catch (Exception e) {
                throw new SQLException("unreadable member workspace roles", e);
            }
        }
        String role = rs.getString("role");
        return new MemberRights(true, OrgRole.fromWire(rs.getString("org_role")).manages(), role,
                Map.copyOf(byWorkspace), rs.getLong("fp"));
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? null : (String[]) array.getArray();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
