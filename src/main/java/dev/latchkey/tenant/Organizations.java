package dev.latchkey.tenant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.db.Db;

/** The {@code organizations} table. */
@ApplicationScoped
public class Organizations {

    private static final String SELECT = "select id, slug, name, created_at, leak_policy from organizations";

    private final Db db;

    public Organizations(Db db) {
        this.db = db;
    }

    /** The organization with this slug. */
    public Optional<Organization> findBySlug(String slug) {
        return db.first(SELECT + " where slug = ?", Organizations::read, slug);
    }

    /** The organization with this id, or null. */
    public Organization findById(long id) {
        return db.first(SELECT + " where id = ?", Organizations::read, id).orElse(null);
    }

    /** Stores a new organization and sets its id. */
    public void insert(Organization o) {
        o.id = db.insert("insert into organizations (slug, name, created_at) values (?, ?, ?)", o.slug, o.name,
                o.createdAt);
    }

    /**
     * Sets what the organization does with a key reported as leaked ({@code revoke}, {@code disable}, {@code notify}).
     */
    public void setLeakPolicy(long id, String policy) {
        db.update("update organizations set leak_policy = ? where id = ?", policy, id);
    }

    private static Organization read(ResultSet rs) throws SQLException {
        Organization o = new Organization();
        o.id = rs.getLong("id");
        o.slug = rs.getString("slug");
        o.name = rs.getString("name");
        o.createdAt = Db.instant(rs, "created_at");
        o.leakPolicy = rs.getString("leak_policy");
        return o;
    }
}
