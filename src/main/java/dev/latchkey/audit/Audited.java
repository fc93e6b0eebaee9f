package dev.latchkey.audit;

import java.time.Instant;
import java.util.Map;

/**
 * Fired inside the transaction of every audited change, after its record is written: what the events outbox (README,
 * "Webhooks") turns into events, so that an event commits or rolls back with its change.
 */
public record Audited(long organizationId, Instant at, String actorType, String actorId, String actorName,
        String action, String targetType, String targetId, String targetName, Map<String, Object> details) {
}
