package dev.latchkey.audit;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One audit record: who did what to which object, when, from where. Never updated. */
@Entity
@Table(name = "audit_events")
public class AuditEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "organization_id", nullable = false)
    public Long organizationId;

    @Column(name = "at", nullable = false)
    public Instant at;

    @Column(name = "actor_type", nullable = false, length = 8)
    public String actorType;

    @Column(name = "actor_id", nullable = false, length = 255)
    public String actorId;

    @Column(name = "actor_name", nullable = false, length = 255)
    public String actorName;

    @Column(name = "action", nullable = false, length = 64)
    public String action;

    @Column(name = "target_type", nullable = false, length = 32)
    public String targetType;

    @Column(name = "target_id", nullable = false, length = 255)
    public String targetId;

    @Column(name = "target_name", length = 255)
    public String targetName;

    @Column(name = "request_id", length = 128)
    public String requestId;

    @Column(name = "ip", length = 64)
    public String ip;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "details", columnDefinition = "jsonb")
    public Map<String, Object> details;
}
