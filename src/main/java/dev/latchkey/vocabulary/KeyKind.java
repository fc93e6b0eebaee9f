package dev.latchkey.vocabulary;

import java.util.Locale;

/**
 * Personal keys act for their member, service keys for automation, admin keys manage keys (README, "Concepts and the
 * security model").
 */
public enum KeyKind {
    PERSONAL, SERVICE, ADMIN;

    /** Every constant, in order ({@code values()} copies its array at each call). */
    private static final KeyKind[] ALL = values();

    /** Made once: the warm-up parses a kind per key row, and every {@code /verify} answer writes one. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The wire and stored form: lower case. */
    public String wire() {
        return wire;
    }

    /** Parses the wire form; null when unknown. */
    public static KeyKind fromWire(String s) {
        for (KeyKind k : ALL) {
            if (k.wire.equals(s)) {
                return k;
            }
        }
        return null;
    }
}
