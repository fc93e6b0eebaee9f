package dev.latchkey.workspace;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A workspace of an organization (an Elastic "engine"). Deleted workspaces keep their row. */
@Entity
@Table(name = "workspaces")
public class Workspace extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "organization_id", nullable = false)
    public Long organizationId;

    @Column(name = "slug", nullable = false, length = 64)
    public String slug;

    @Column(name = "name", nullable = false, length = 200)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The live workspace with this slug in an organization. */
    public static Optional<Workspace> findLive(long organizationId, String slug) {
        return find("organizationId = ?1 and slug = ?2 and deletedAt is null", organizationId, slug)
                .firstResultOptional();
    }

    /** All live workspaces of an organization. */
    public static List<Workspace> listLive(long organizationId) {
        return list("organizationId = ?1 and deletedAt is null order by id", organizationId);
    }

    /** Workspaces (live or deleted) by id. */
    public static List<Workspace> byIds(Collection<Long> ids) {
        return ids.isEmpty() ? List.of() : list("id in ?1", ids);
    }

    /** Slugs of workspaces (live or deleted) by id, in one query; null ids are ignored. */
    public static Map<Long, String> slugsById(Collection<Long> ids) {
        Set<Long> real = new HashSet<>(ids);
        real.remove(null);
        Map<Long, String> slugs = new HashMap<>();
        for (Workspace w : byIds(real)) {
            slugs.put(w.id, w.slug);
        }
        return slugs;
    }
}
