package dev.latchkey.audit;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.panache.common.Parameters;

import dev.latchkey.audit.AuditDtos.AuditView;
import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.http.Param;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;

/** Reading the audit log: owners and admins, newest first, with filters. */
@ApplicationScoped
@Transactional
public class AuditService {

    private final OrgAccess access;

    public AuditService(OrgAccess access) {
        this.access = access;
    }

    /** One page of events, newest first. {@code actor} and {@code target} match an id or a name. */
    public Page<AuditView> list(String orgSlug, String actor, String action, String target, Param<Instant> since,
            Param<Instant> until, String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        StringBuilder q = new StringBuilder("organizationId = :org");
        Parameters p = Parameters.with("org", ctx.orgId());
        if (actor != null) {
            q.append(" and (actorId = :actor or actorName = :actor)");
            p.and("actor", actor);
        }
        if (action != null) {
            q.append(" and action = :action");
            p.and("action", action);
        }
        if (target != null) {
            q.append(" and (targetId = :target or targetName = :target)");
            p.and("target", target);
        }
        Instant from = Param.get(since);
        Instant to = Param.get(until);
        if (from != null) {
            q.append(" and at >= :since");
            p.and("since", from);
        }
        if (to != null) {
            q.append(" and at < :until");
            p.and("until", to);
        }
        return Keyset.<AuditEvent> byId((query, params) -> AuditEvent.find(query, params), q.toString(), p, limit,
                cursor, e -> e.id, Keyset.Order.NEWEST_FIRST).map(AuditView::from);
    }
}
