package dev.latchkey.verify;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyKind;
import dev.latchkey.common.Cidr;
import dev.latchkey.member.OrgRole;
import dev.latchkey.role.RoleCatalog;

/**
 * Reads key snapshots with plain JDBC, one round trip per query: the key row with its organization, covered workspaces,
 * resolved role and (for personal keys) the owner's current rights. Runs on worker threads only, never on the event
 * loop.
 */
@ApplicationScoped
public class SnapshotLoader {

    private static final String SELECT = """
            select k.id, k.key_id, k.organization_id, o.slug as org_slug, k.kind, k.prefix, k.name, k.secret_hash,
                   k.previous_secret_hash, k.previous_secret_expires_at, k.expires_at,
                   (k.revoked_at is not null or k.deleted_at is not null) as revoked, k.enabled, k.role, k.permissions,
                   k.all_workspaces, k.owner_subject, k.meta::text as meta, k.rate_limit, k.rate_limit_window_seconds,
                   k.ip_allowlist,
                   array(select w.slug from api_key_workspaces aw join workspaces w on w.id = aw.workspace_id
                         where aw.api_key_id = k.id and w.deleted_at is null) as key_ws,
                   array(select w.slug from workspaces w where w.organization_id = k.organization_id
                         and w.deleted_at is null order by w.slug) as org_ws,
                   (select r.permissions from roles r where r.organization_id = k.organization_id and r.name = k.role)
                         as role_perms,
                   m.id as owner_id, m.org_role as owner_org_role, m.role as owner_role,
                   (select r.permissions from roles r where r.organization_id = k.organization_id and r.name = m.role)
                         as owner_role_perms,
                   (select json_agg(json_build_object('ws', w.slug, 'role', mwr.role, 'perms', r.permissions))
                      from member_workspace_roles mwr join workspaces w on w.id = mwr.workspace_id
                      left join roles r on r.organization_id = k.organization_id and r.name = mwr.role
                     where mwr.member_id = m.id and w.deleted_at is null)::text as owner_ws_roles
              from api_keys k
              join organizations o on o.id = k.organization_id
              left join members m on k.kind = 'personal' and m.organization_id = k.organization_id
                                 and m.subject = k.owner_subject
            """;

    private final DataSource dataSource;
    private final ObjectMapper json;

    public SnapshotLoader(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** One key by its public id; empty when there is no such key. Throws when the database fails. */
    public Optional<KeySnapshot> load(String keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SELECT + " where k.key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Every key of an organization that has not been deleted (for organization-wide changes). */
    public List<KeySnapshot> loadOrganization(long orgId) throws SQLException {
        return list(SELECT + " where k.organization_id = ? and k.deleted_at is null", orgId);
    }

    /** Up to {@code limit} live keys, most recently used first (warm-up). */
    public List<KeySnapshot> loadForWarmUp(long limit) throws SQLException {
        return list(SELECT + " where k.deleted_at is null and k.revoked_at is null"
                + " order by k.last_used_at desc nulls last, k.id desc limit ?", limit);
    }

    private List<KeySnapshot> list(String sql, long arg) throws SQLException {
        List<KeySnapshot> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(2_000);
            s.setLong(1, arg);
            c.setAutoCommit(false); // a cursor (fetch size) needs a transaction in pgjdbc
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return out;
    }

    private KeySnapshot read(ResultSet rs) throws SQLException {
        KeyKind kind = KeyKind.fromWire(rs.getString("kind"));
        String role = rs.getString("role");
        List<String> permissions = role != null ? rolePermissions(role, strings(rs.getArray("role_perms")))
                : Arrays.asList(strings(rs.getArray("permissions")));
        KeySnapshot.Owner owner = null;
        if (kind == KeyKind.PERSONAL) {
            owner = owner(rs);
        }
        List<Cidr> allowlist = null;
        String[] cidrs = strings(rs.getArray("ip_allowlist"));
        if (cidrs != null) {
            allowlist = new ArrayList<>();
            for (String c : cidrs) {
                allowlist.add(Cidr.parse(c));
            }
        }
        int rate = rs.getInt("rate_limit");
        Integer rateLimit = rs.wasNull() ? null : rate;
        int window = rs.getInt("rate_limit_window_seconds");
        Integer rateWindow = rs.wasNull() ? null : window;
        return new KeySnapshot(rs.getLong("id"), rs.getString("key_id"), rs.getLong("organization_id"),
                rs.getString("org_slug"), kind, rs.getString("prefix"), rs.getString("name"),
                rs.getBytes("secret_hash"), rs.getBytes("previous_secret_hash"),
                instant(rs.getTimestamp("previous_secret_expires_at")), instant(rs.getTimestamp("expires_at")),
                rs.getBoolean("revoked"), rs.getBoolean("enabled"), List.copyOf(permissions),
                rs.getBoolean("all_workspaces"), Set.copyOf(Arrays.asList(strings(rs.getArray("key_ws")))),
                List.of(strings(rs.getArray("org_ws"))), rs.getString("owner_subject"), owner, rs.getString("meta"),
                rateLimit, rateWindow, allowlist == null ? null : List.copyOf(allowlist),
                String.join(",", permissions));
    }

    private KeySnapshot.Owner owner(ResultSet rs) throws SQLException {
        rs.getLong("owner_id");
        if (rs.wasNull()) {
            return new KeySnapshot.Owner(false, false, List.of(), Map.of());
        }
        OrgRole orgRole = OrgRole.fromWire(rs.getString("owner_org_role"));
        String role = rs.getString("owner_role");
        List<String> orgWide = role == null ? List.of()
                : rolePermissions(role, strings(rs.getArray("owner_role_perms")));
        Map<String, List<String>> byWorkspace = new HashMap<>();
        String wsRoles = rs.getString("owner_ws_roles");
        if (wsRoles != null) {
            try {
                List<Map<String, Object>> rows = json.readValue(wsRoles, new TypeReference<>() {
                });
                for (Map<String, Object> row : rows) {
                    @SuppressWarnings("unchecked")
                    List<String> perms = (List<String>) row.get("perms");
                    byWorkspace.put((String) row.get("ws"), rolePermissions((String) row.get("role"),
                            perms == null ? null : perms.toArray(String[]::new)));
                }
            } catch (Exception e) {
                throw new SQLException("unreadable member workspace roles", e);
            }
        }
        return new KeySnapshot.Owner(true, orgRole.manages(), List.copyOf(orgWide), Map.copyOf(byWorkspace));
    }

    /** A role's permissions: the custom role's, else the built-in's, else none (role deleted). */
    private static List<String> rolePermissions(String role, String[] custom) {
        if (custom != null) {
            return List.copyOf(new LinkedHashSet<>(Arrays.asList(custom)));
        }
        return RoleCatalog.BUILT_IN.getOrDefault(role, List.of());
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? null : (String[]) array.getArray();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
