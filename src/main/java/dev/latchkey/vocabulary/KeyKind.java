package dev.latchkey.vocabulary;

import java.util.Locale;

/**
 * Personal keys act for their member, service keys for automation, admin keys manage keys (README, "Concepts and the
 * security model").
 */
public enum KeyKind {
    PERSONAL, SERVICE, ADMIN;

    /** The wire and stored form: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; null when unknown. */
    public static KeyKind fromWire(String s) {
        for (KeyKind k : values()) {
            if (k.wire().equals(s)) {
                return k;
            }
        }
        return null;
    }
}
