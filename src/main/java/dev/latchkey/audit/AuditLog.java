package dev.latchkey.audit;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import dev.latchkey.common.db.Db;
import dev.latchkey.common.http.RequestInfo;
import dev.latchkey.security.Caller;
import dev.latchkey.security.CallerResolver;

/**
 * Writes audit events inside the caller's transaction, so that a change and its record commit or roll back together.
 * The actor is the current caller (a key acts under its name). Each record is announced as {@link Audited} in the same
 * transaction.
 */
@ApplicationScoped
public class AuditLog {

    private final CallerResolver callers;
    private final RequestInfo request;
    private final Clock clock;
    private final Db db;
    private final Event<Audited> audited;

    public AuditLog(CallerResolver callers, RequestInfo request, Clock clock, Db db, Event<Audited> audited) {
        this.db = db;
        this.audited = audited;
        this.callers = callers;
        this.request = request;
        this.clock = clock;
    }

    /** Records {@code action} on a target by the current caller. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(long organizationId, String action, String targetType, String targetId, String targetName,
            Map<String, Object> details) {
        record(callers.current(), organizationId, action, targetType, targetId, targetName, details);
    }

    /**
     * Records {@code action} on a target by {@code actor} (a reporter outside any credential: {@link Caller.External}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Caller actor, long organizationId, String action, String targetType, String targetId,
            String targetName, Map<String, Object> details) {
        write(actor, organizationId, action, targetType, targetId, targetName, details, request.requestId(),
                request.clientIp());
    }

    /** Records {@code action} by {@code actor} outside any request (a background job: no request id, no address). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordInBackground(Caller actor, long organizationId, String action, String targetType, String targetId,
            String targetName, Map<String, Object> details) {
        write(actor, organizationId, action, targetType, targetId, targetName, details, null, null);
    }

    private void write(Caller actor, long organizationId, String action, String targetType, String targetId,
            String targetName, Map<String, Object> details, String requestId, String ip) {
        AuditEvent e = new AuditEvent();
        e.organizationId = organizationId;
        e.at = clock.instant();
        e.actorType = actor.actorType();
        e.actorId = actor.actorId();
        e.actorName = actor.actorName();
        e.action = action;
        e.targetType = targetType;
        e.targetId = targetId;
        e.targetName = targetName;
        e.requestId = requestId;
        e.ip = ip;
        e.details = details == null || details.isEmpty() ? null : details;
        db.update(
                "insert into audit_events (organization_id, at, actor_type, actor_id, actor_name, action,"
                        + " target_type, target_id, target_name, request_id, ip, details)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.organizationId, e.at, e.actorType, e.actorId, e.actorName, e.action, e.targetType, e.targetId,
                e.targetName, e.requestId, e.ip, Db.json(e.details));
        audited.fire(new Audited(organizationId, e.at, e.actorType, e.actorId, e.actorName, action, targetType,
                targetId, targetName, e.details == null ? Map.of() : e.details));
    }
}
