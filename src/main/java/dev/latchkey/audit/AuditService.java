package dev.latchkey.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.latchkey.audit.AuditDtos.AuditView;
import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;
import dev.latchkey.common.http.Param;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;

/** Reading the audit log: owners and admins, newest first, with filters. */
@ApplicationScoped
@Transactional
public class AuditService {

    private final OrgAccess access;
    private final Db db;

    public AuditService(OrgAccess access, Db db) {
        this.access = access;
        this.db = db;
    }

    /** One page of events, newest first. {@code actor} and {@code target} match an id or a name. */
    public Page<AuditView> list(String orgSlug, String actor, String action, String target, Param<Instant> since,
            Param<Instant> until, String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        StringBuilder q = new StringBuilder("select * from audit_events where organization_id = ?");
        List<Object> p = Keyset.params(ctx.orgId());
        if (actor != null) {
            q.append(" and (actor_id = ? or actor_name = ?)");
            p.add(actor);
            p.add(actor);
        }
        if (action != null) {
            q.append(" and action = ?");
            p.add(action);
        }
        if (target != null) {
            q.append(" and (target_id = ? or target_name = ?)");
            p.add(target);
            p.add(target);
        }
        Instant from = Param.get(since);
        Instant to = Param.get(until);
        if (from != null) {
            q.append(" and at >= ?");
            p.add(from);
        }
        if (to != null) {
            q.append(" and at < ?");
            p.add(to);
        }
        return Keyset.byId(db, q.toString(), p, this::read, limit, cursor, e -> e.id, Keyset.Order.NEWEST_FIRST)
                .map(AuditView::from);
    }

    private AuditEvent read(ResultSet rs) throws SQLException {
        AuditEvent e = new AuditEvent();
        e.id = rs.getLong("id");
        e.organizationId = rs.getLong("organization_id");
        e.at = Db.instant(rs, "at");
        e.actorType = rs.getString("actor_type");
        e.actorId = rs.getString("actor_id");
        e.actorName = rs.getString("actor_name");
        e.action = rs.getString("action");
        e.targetType = rs.getString("target_type");
        e.targetId = rs.getString("target_id");
        e.targetName = rs.getString("target_name");
        e.requestId = rs.getString("request_id");
        e.ip = rs.getString("ip");
        e.details = db.map(rs, "details");
        return e;
    }
}
