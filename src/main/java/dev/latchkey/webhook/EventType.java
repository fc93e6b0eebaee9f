package dev.latchkey.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The events an endpoint may ask for (README, "Webhooks"). */
public enum EventType {
    KEY_CREATED("key.created"), KEY_UPDATED("key.updated"), KEY_ROTATED("key.rotated"), KEY_REVOKED("key.revoked"),
    KEY_DELETED("key.deleted"), KEY_EXPIRING("key.expiring"), KEY_EXPIRED("key.expired"), KEY_LEAKED("key.leaked"),
    KEY_IMPORTED("key.imported"), QUOTA_LOW("quota.low"), QUOTA_EXHAUSTED("quota.exhausted"),
    MEMBER_REMOVED("member.removed");

    /** Every type's wire name, in this order. */
    public static final List<String> WIRE = Arrays.stream(values()).map(EventType::wire).toList();

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The type with this wire name; audit actions of the same name are these events. */
    public static Optional<EventType> fromWire(String wire) {
        for (EventType t : values()) {
            if (t.wire.equals(wire)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
