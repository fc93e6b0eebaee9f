package dev.latchkey.workspace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;

/** The {@code workspaces} table. */
@ApplicationScoped
public class Workspaces {

    private static final String SELECT = "select id, organization_id, slug, name, created_at, updated_at, deleted_at"
            + " from workspaces";

    private final Db db;

    public Workspaces(Db db) {
        this.db = db;
    }

    /** The live workspace with this slug in an organization. */
    public Optional<Workspace> findLive(long organizationId, String slug) {
        return db.first(SELECT + " where organization_id = ? and slug = ? and deleted_at is null", Workspaces::read,
                organizationId, slug);
    }

    /** All live workspaces of an organization, oldest first. */
    public List<Workspace> listLive(long organizationId) {
        return db.list(SELECT + " where organization_id = ? and deleted_at is null order by id", Workspaces::read,
                organizationId);
    }

    /** One page of an organization's live workspaces, oldest first. */
    public Page<Workspace> pageLive(long organizationId, String limit, String cursor) {
        return Keyset.byId(db, SELECT + " where organization_id = ? and deleted_at is null",
                Keyset.params(organizationId), Workspaces::read, limit, cursor, w -> w.id, Keyset.Order.OLDEST_FIRST);
    }

    /** Slugs of workspaces (live or deleted) by id, in one query; null ids are ignored. */
    public Map<Long, String> slugsById(Collection<Long> ids) {
        Set<Long> real = new HashSet<>(ids);
        real.remove(null);
        Map<Long, String> slugs = new HashMap<>();
        if (!real.isEmpty()) {
            for (Workspace w : db.list(SELECT + " where id = any(?)", Workspaces::read, Db.ids(real))) {
                slugs.put(w.id, w.slug);
            }
        }
        return slugs;
    }

    /** Stores a new workspace and sets its id. */
    public void insert(Workspace w) {
        w.id = db.insert(
                "insert into workspaces (organization_id, slug, name, created_at, updated_at, deleted_at)"
                        + " values (?, ?, ?, ?, ?, ?)",
                w.organizationId, w.slug, w.name, w.createdAt, w.updatedAt, w.deletedAt);
    }

    /** Writes a workspace's changeable columns. */
    public void update(Workspace w) {
        db.update("update workspaces set name = ?, updated_at = ?, deleted_at = ? where id = ?", w.name, w.updatedAt,
                w.deletedAt, w.id);
    }

    private static Workspace read(ResultSet rs) throws SQLException {
        Workspace w = new Workspace();
        w.id = rs.getLong("id");
        w.organizationId = rs.getLong("organization_id");
        w.slug = rs.getString("slug");
        w.name = rs.getString("name");
        w.createdAt = Db.instant(rs, "created_at");
        w.updatedAt = Db.instant(rs, "updated_at");
        w.deletedAt = Db.instant(rs, "deleted_at");
        return w;
    }
}
