package dev.latchkey.tenant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;

/** The {@code members} table with each member's workspace roles. */
@ApplicationScoped
public class Members {

    private static final String SELECT = "select id, organization_id, subject, org_role, role, created_at, updated_at,"
            + " array(select r.workspace_id from member_workspace_roles r where r.member_id = m.id"
            + " order by r.workspace_id) as ws_ids,"
            + " array(select r.role from member_workspace_roles r where r.member_id = m.id"
            + " order by r.workspace_id) as ws_roles from members m";

    private final Db db;

    public Members(Db db) {
        this.db = db;
    }

    /** The membership of a subject in an organization. */
    public Optional<Member> findBySubject(long organizationId, String subject) {
        return db.first(SELECT + " where organization_id = ? and subject = ?", Members::read, organizationId, subject);
    }

    /** Every membership of a subject, by organization. */
    public List<Member> ofSubject(String subject) {
        return db.list(SELECT + " where subject = ? order by organization_id", Members::read, subject);
    }

    /** Every member of an organization. */
    public List<Member> ofOrganization(long organizationId) {
        return db.list(SELECT + " where organization_id = ? order by id", Members::read, organizationId);
    }

    /** One page of an organization's members, oldest first. */
    public Page<Member> page(long organizationId, String limit, String cursor) {
        return Keyset.byId(db, SELECT + " where organization_id = ?", Keyset.params(organizationId), Members::read,
                limit, cursor, m -> m.id, Keyset.Order.OLDEST_FIRST);
    }

    /** The organization's owners. */
    public long owners(long organizationId) {
        return db.count("select count(*) from members where organization_id = ? and org_role = 'owner'",
                organizationId);
    }

    /** Stores a new member with its workspace roles and sets its id. */
    public void insert(Member m) {
        m.id = db.insert(
                "insert into members (organization_id, subject, org_role, role, created_at, updated_at)"
                        + " values (?, ?, ?, ?, ?, ?)",
                m.organizationId, m.subject, m.orgRole, m.role, m.createdAt, m.updatedAt);
        insertWorkspaceRoles(m);
    }

    /**
     * Writes a member's roles: the row first (which holds its lock until the commit, so concurrent writers of one
     * member take turns), then its workspace roles replaced.
     */
    public void update(Member m) {
        db.update("update members set org_role = ?, role = ?, updated_at = ? where id = ?", m.orgRole, m.role,
                m.updatedAt, m.id);
        db.update("delete from member_workspace_roles where member_id = ?", m.id);
        insertWorkspaceRoles(m);
    }

    /** Removes a member (its workspace roles go with it). */
    public void delete(Member m) {
        db.update("delete from members where id = ?", m.id);
    }

    private void insertWorkspaceRoles(Member m) {
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<Long, String> e : m.workspaceRoles.entrySet()) {
            rows.add(new Object[] { m.id, e.getKey(), e.getValue() });
        }
        db.batch("insert into member_workspace_roles (member_id, workspace_id, role) values (?, ?, ?)", rows);
    }

    private static Member read(ResultSet rs) throws SQLException {
        Member m = new Member();
        m.id = rs.getLong("id");
        m.organizationId = rs.getLong("organization_id");
        m.subject = rs.getString("subject");
        m.orgRole = rs.getString("org_role");
        m.role = rs.getString("role");
        m.createdAt = Db.instant(rs, "created_at");
        m.updatedAt = Db.instant(rs, "updated_at");
        Long[] ids = Db.longs(rs, "ws_ids");
        String[] roles = Db.strings(rs, "ws_roles");
        for (int i = 0; i < ids.length; i++) {
            m.workspaceRoles.put(ids[i], roles[i]);
        }
        return m;
    }
}
