package dev.latchkey.audit;

import java.time.Instant;
import java.util.Map;

/** One audit record (table {@code audit_events}): who did what to which object, when, from where. Never updated. */
public class AuditEvent {

    public Long id;
    public Long organizationId;
    public Instant at;
    public String actorType;
    public String actorId;
    public String actorName;
    public String action;
    public String targetType;
    public String targetId;
    public String targetName;
    public String requestId;
    public String ip;
    public Map<String, Object> details;
}
