package dev.latchkey.vocabulary;

import java.util.Locale;

/** The lifecycle state of a key as listed and filtered: active, expired, revoked or disabled. */
public enum KeyState {
    ACTIVE, EXPIRED, REVOKED, DISABLED;

    /** The wire form. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; null when unknown. */
    public static KeyState fromWire(String s) {
        for (KeyState k : values()) {
            if (k.wire().equals(s)) {
                return k;
            }
        }
        return null;
    }
}
