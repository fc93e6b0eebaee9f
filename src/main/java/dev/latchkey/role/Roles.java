package dev.latchkey.role;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.db.Db;

/** The {@code roles} table. */
@ApplicationScoped
public class Roles {

    private static final String SELECT = "select id, organization_id, name, permissions, created_at, updated_at"
            + " from roles";

    private final Db db;

    public Roles(Db db) {
        this.db = db;
    }

    /** The custom role with this name. */
    public Optional<Role> findByName(long organizationId, String name) {
        return db.first(SELECT + " where organization_id = ? and name = ?", Roles::read, organizationId, name);
    }

    /** All custom roles of an organization. */
    public List<Role> listAll(long organizationId) {
        return db.list(SELECT + " where organization_id = ?", Roles::read, organizationId);
    }

    /** Up to {@code count} custom roles named after {@code after} (null: from the first), by name. */
    public List<Role> namedAfter(long organizationId, String after, int count) {
        return after == null
                ? db.list(SELECT + " where organization_id = ? order by name limit " + count, Roles::read,
                        organizationId)
                : db.list(SELECT + " where organization_id = ? and name > ? order by name limit " + count, Roles::read,
                        organizationId, after);
    }

    /** Stores a new role and sets its id. */
    public void insert(Role r) {
        r.id = db.insert("insert into roles (organization_id, name, permissions, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?)", r.organizationId, r.name, r.permissions, r.createdAt, r.updatedAt);
    }

    /** Writes a role's permissions. */
    public void update(Role r) {
        db.update("update roles set permissions = ?, updated_at = ? where id = ?", r.permissions, r.updatedAt, r.id);
    }

    /** Removes a role. */
    public void delete(Role r) {
        db.update("delete from roles where id = ?", r.id);
    }

    /** Members using a role, org-wide or on a workspace. */
    public long membersUsing(long organizationId, String name) {
        return db.count(
                "select count(*) from members m where m.organization_id = ? and (m.role = ? or exists"
                        + " (select 1 from member_workspace_roles r where r.member_id = m.id and r.role = ?))",
                organizationId, name, name);
    }

    /** Live keys (not revoked, not deleted) granted a role. */
    public long liveKeysUsing(long organizationId, String name) {
        return db.count("select count(*) from api_keys where organization_id = ? and role = ? and revoked_at is null"
                + " and deleted_at is null", organizationId, name);
    }

    private static Role read(ResultSet rs) throws SQLException {
        Role r = new Role();
        r.id = rs.getLong("id");
        r.organizationId = rs.getLong("organization_id");
        r.name = rs.getString("name");
        r.permissions = Db.strings(rs, "permissions");
        r.createdAt = Db.instant(rs, "created_at");
        r.updatedAt = Db.instant(rs, "updated_at");
        return r;
    }
}
