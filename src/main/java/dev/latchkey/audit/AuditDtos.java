package dev.latchkey.audit;

import java.time.Instant;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Response shapes of the audit API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class AuditDtos {

    private AuditDtos() {
    }

    /** The actor of an event: a user (id and name are the JWT subject) or a key (its keyId and name). */
    public record Actor(String type, String id, String name) {
    }

    /** The object an event is about. */
    public record Target(String type, String id, String name) {
    }

    /** An audit event. */
    public record AuditView(String id, Instant at, Actor actor, String action, Target target, String requestId,
            String ip, Map<String, Object> details) {
        static AuditView from(AuditEvent e) {
            return new AuditView(String.valueOf(e.id), e.at, new Actor(e.actorType, e.actorId, e.actorName), e.action,
                    new Target(e.targetType, e.targetId, e.targetName), e.requestId, e.ip, e.details);
        }
    }
}
