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
 * rights — each with a fingerprint computed by PostgreSQL from exactly the columns that were read, so the resync can
 * later ask "has this changed?" for a whole slice of keys by comparing 8-byte numbers. Runs on worker threads only.
 */
@ApplicationScoped
public class KeyLoader {

    /** A member of an organization, by subject. */
    public record MemberRef(long orgId, String subject) {
    }

    /** A key row with its workspace ids, looked up per key (few keys: the index answers each). */
    private static final String KEY_FROM = """
             from api_keys k
            cross join lateral (select array(select aw.workspace_id from api_key_workspaces aw
                                              where aw.api_key_id = k.id order by 1) as ws_ids) w
            """;
    /** The same for every key at once (warm-up): one pass over the scope table, hash-joined. */
    private static final String KEY_FROM_BULK = """
             from api_keys k
             left join (select api_key_id, array_agg(workspace_id order by workspace_id) as ids
                          from api_key_workspaces group by api_key_id) a on a.api_key_id = k.id
            cross join lateral (select coalesce(a.ids, '{}'::bigint[]) as ws_ids) w
            """;
    /** Everything of a key row that a verify answer depends on, hashed in a fixed order. */
    private static final String KEY_FINGERPRINT = """
            hashtextextended(row(k.key_id, k.organization_id, k.kind, k.prefix, k.name, k.secret_hash,
                   k.previous_secret_hash, k.previous_secret_expires_at, k.expires_at, k.revoked_at, k.deleted_at,
                   k.enabled, k.role, k.permissions, k.all_workspaces, k.owner_subject, k.meta, k.rate_limit,
                   k.rate_limit_window_seconds, k.ip_allowlist, w.ws_ids)::text, 0)""";
    private static final String KEY_COLUMNS = """
            select k.id, k.key_id, k.organization_id, k.kind, k.prefix, k.name, k.secret_hash, k.previous_secret_hash,
                   k.previous_secret_expires_at, k.expires_at,
                   (k.revoked_at is not null or k.deleted_at is not null) as revoked, k.enabled, k.role,
                   k.permissions, k.all_workspaces, k.owner_subject, k.meta::text as meta, k.rate_limit,
                   k.rate_limit_window_seconds, k.ip_allowlist, w.ws_ids, """ + KEY_FINGERPRINT + " as fp";
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

    private final DataSource dataSource;
    private final ObjectMapper json;

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

    /** Streams up to {@code limit} live keys, most recently used first, in one query (warm-up). */
    public void streamLive(long limit, LongFunction<OrgHandle> handles, Consumer<CachedKey> sink) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor (fetch size) needs a transaction in pgjdbc
            try (PreparedStatement s = c
                    .prepareStatement(KEY_SELECT + " where k.deleted_at is null and k.revoked_at is null"
                            + " order by k.last_used_at desc nulls last, k.id desc limit ?")) {
                s.setFetchSize(10_000);
                s.setLong(1, limit);
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

    /** The current fingerprints of these key rows, by row id (ids with no row are absent: hard-deleted). */
    public Map<Long, Long> keyFingerprints(long[] ids) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c
                .prepareStatement("select k.id, " + KEY_FINGERPRINT + " as fp " + KEY_FROM + " where k.id = any(?)")) {
            s.setArray(1, c.createArrayOf("bigint", boxed));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return out;
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
        String role = rs.getString("role");
        Grant permissions = role != null ? null : Grant.of(Arrays.asList(strings(rs.getArray("permissions"))));
        List<Cidr> allowlist = null;
        String[] cidrs = strings(rs.getArray("ip_allowlist"));
        if (cidrs != null) {
            List<Cidr> parsed = new ArrayList<>(cidrs.length);
            for (String c : cidrs) {
                parsed.add(Cidr.parse(c));
            }
            allowlist = List.copyOf(parsed);
        }
        int rate = rs.getInt("rate_limit");
        Integer rateLimit = rs.wasNull() ? null : rate;
        int window = rs.getInt("rate_limit_window_seconds");
        Integer rateWindow = rs.wasNull() ? null : window;
        Long[] ws = (Long[]) rs.getArray("ws_ids").getArray();
        long[] workspaceIds = new long[ws.length];
        for (int i = 0; i < ws.length; i++) {
            workspaceIds[i] = ws[i];
        }
        Arrays.sort(workspaceIds);
        String keyId = rs.getString("key_id");
        String name = rs.getString("name");
        OrgHandle org = handles.apply(rs.getLong("organization_id"));
        CachedKey.Extras extras = new CachedKey.Extras(rs.getBytes("previous_secret_hash"),
                instant(rs.getTimestamp("previous_secret_expires_at")), permissions, rs.getString("owner_subject"),
                rs.getString("meta"), rateLimit, rateWindow, allowlist);
        return new CachedKey(rs.getLong("id"), keyId, org, KeyKind.fromWire(rs.getString("kind")),
                rs.getString("prefix").intern(), keyId.equals(name) ? keyId : name, // the default name is the keyId
                rs.getBytes("secret_hash"), instant(rs.getTimestamp("expires_at")), rs.getBoolean("revoked"),
                rs.getBoolean("enabled"), role == null ? null : role.intern(), rs.getBoolean("all_workspaces"),
                org.workspaces(workspaceIds), rs.getLong("fp"), extras);
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
