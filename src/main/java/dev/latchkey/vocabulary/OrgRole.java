package dev.latchkey.vocabulary;

import java.util.Locale;

/** Management-plane roles: owners and admins manage the organization, members only their own personal keys. */
public enum OrgRole {
    OWNER, ADMIN, MEMBER;

    /** Every constant, in order ({@code values()} copies its array at each call). */
    private static final OrgRole[] ALL = values();

    /** Made once, not at each call (as {@link KeyKind}'s). */
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The wire and stored form. */
    public String wire() {
        return wire;
    }

    /** Whether this role manages workspaces, members, roles and every key. */
    public boolean manages() {
        return this != MEMBER;
    }

    /** Parses the wire form; null when unknown. */
    public static OrgRole fromWire(String s) {
        for (OrgRole r : ALL) {
            if (r.wire.equals(s)) {
                return r;
            }
        }
        return null;
    }
}
