package dev.latchkey.vocabulary;

import java.util.Locale;

/** The lifecycle state of a key as listed and filtered: active, expired, revoked or disabled. */
public enum KeyState {
    ACTIVE, EXPIRED, REVOKED, DISABLED;

    /** Every constant, in order ({@code values()} copies its array at each call). */
    private static final KeyState[] ALL = values();

    /** Made once, not at each call (as {@link KeyKind}'s). */
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The wire form. */
    public String wire() {
        return wire;
    }

    /** Parses the wire form; null when unknown. */
    public static KeyState fromWire(String s) {
        for (KeyState k : ALL) {
            if (k.wire.equals(s)) {
                return k;
            }
        }
        return null;
    }
}
