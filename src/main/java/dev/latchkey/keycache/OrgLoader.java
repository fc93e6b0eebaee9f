package dev.latchkey.keycache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.common.db.Db;
import dev.latchkey.common.db.Writes;
import dev.latchkey.vocabulary.OrgRole;

/**
 * Reads what the keys of an organization share — its roles and live workspaces ({@link OrgState}), and the rights of
 * members who own personal keys ({@link MemberRights}) — in one query each for any number of organizations or members,
 * with a fingerprint of what was read for the resync.
 */
@ApplicationScoped
public class OrgLoader {

    /** A member of an organization, by subject. */
    public record MemberRef(long orgId, String subject) {
    }

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
    /** The primary, for this replica's own changes when it reads a standby (see {@link KeyLoader}). */
    private final DataSource writes;
    private final ObjectMapper json;

    public OrgLoader(DataSource dataSource, @Writes DataSource writes, ObjectMapper json) {
        this.dataSource = dataSource;
        this.writes = writes;
        this.json = json;
    }

    /** The shared state of these organizations (absent ids: the organization does not exist). */
    public Map<Long, OrgState> loadOrgs(Collection<Long> orgIds) throws SQLException {
        return loadOrgs(dataSource, orgIds);
    }

    /** The same, read from the primary (this replica's own change, which its standby may not have yet). */
    public Map<Long, OrgState> loadOrgsFromPrimary(Collection<Long> orgIds) throws SQLException {
        return loadOrgs(writes, orgIds);
    }

    private Map<Long, OrgState> loadOrgs(DataSource from, Collection<Long> orgIds) throws SQLException {
        Map<Long, OrgState> out = new HashMap<>();
        if (orgIds.isEmpty()) {
            return out;
        }
        try (Connection c = from.getConnection(); PreparedStatement s = c.prepareStatement(ORG_SELECT)) {
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
        return loadMembers(dataSource, refs);
    }

    /** The same, read from the primary. */
    public Map<MemberRef, MemberRights> loadMembersFromPrimary(Collection<MemberRef> refs) throws SQLException {
        return loadMembers(writes, refs);
    }

    private Map<MemberRef, MemberRights> loadMembers(DataSource from, Collection<MemberRef> refs) throws SQLException {
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
        try (Connection c = from.getConnection(); PreparedStatement s = c.prepareStatement(MEMBER_SELECT)) {
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
        String[] slugs = Db.strings(rs, "ws_slugs");
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
}
