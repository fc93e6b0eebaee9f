package dev.latchkey.vocabulary;

import java.util.Locale;

/** Management-plane roles: owners and admins manage the organization, members only their own personal keys. */
public enum OrgRole {
    OWNER, ADMIN, MEMBER;

    /** The wire and stored form. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role manages workspaces, members, roles and every key. */
    public boolean manages() {
        return this != MEMBER;
    }

    /** Parses the wire form; null when unknown. */
    public static OrgRole fromWire(String s) {
        for (OrgRole r : values()) {
            if (r.wire().equals(s)) {
                return r;
            }
        }
        return null;
    }
}
