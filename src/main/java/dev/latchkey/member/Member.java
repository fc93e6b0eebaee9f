package dev.latchkey.member;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A user (JWT subject) in an organization: org role, org-wide role, per-workspace roles. */
@Entity
@Table(name = "members")
public class Member extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "organization_id", nullable = false)
    public Long organizationId;

    @Column(name = "subject", nullable = false, length = 255)
    public String subject;

    @Column(name = "org_role", nullable = false, length = 16)
    public String orgRole;

    @Column(name = "role", length = 64)
    public String role;

    /** workspace id -> role name */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "member_workspace_roles", joinColumns = @JoinColumn(name = "member_id"))
    @MapKeyColumn(name = "workspace_id")
    @Column(name = "role", nullable = false, length = 64)
    public Map<Long, String> workspaceRoles = new HashMap<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The membership of a subject in an organization. */
    public static Optional<Member> findBySubject(long organizationId, String subject) {
        return find("organizationId = ?1 and subject = ?2", organizationId, subject).firstResultOptional();
    }
}
