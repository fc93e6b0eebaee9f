package dev.latchkey.security;

import dev.latchkey.vocabulary.KeyKind;

/** Who is calling the management API: a user (JWT subject) or an API key. */
public sealed interface Caller {

    /** "user", "key" or "system", as in audit events. */
    String actorType();

    /** The JWT subject, or the keyId. */
    String actorId();

    /** The JWT subject, or the key's name. */
    String actorName();

    /** A user authenticated by JWT; {@code platformAdmin} when in the platform-admin group. */
    record User(String subject, boolean platformAdmin) implements Caller {
        @Override
        public String actorType() {
            return "user";
        }

        @Override
        public String actorId() {
            return subject;
        }

        @Override
        public String actorName() {
            return subject;
        }
    }

    /**
     * A reporter acting without a credential of this service, trusted by other means: GitHub's secret scanning, whose
     * reports are signed (README, "Leaked keys"). Audited as {@code system}; never a caller of the management API.
     */
    record External(String id, String name) implements Caller {
        /** Latchkey itself: what time and usage cause (expiry and quota events, an endpoint marked failing). */
        public static final External LATCHKEY = new External("latchkey", "Latchkey");

        @Override
        public String actorType() {
            return "system";
        }

        @Override
        public String actorId() {
            return id;
        }

        @Override
        public String actorName() {
            return name;
        }
    }

    /** An API key authenticated by its secret. */
    record Key(long id, String keyId, String name, KeyKind kind, long organizationId, String ownerSubject)
            implements Caller {
        @Override
        public String actorType() {
            return "key";
        }

        @Override
        public String actorId() {
            return keyId;
        }

        @Override
        public String actorName() {
            return name;
        }
    }
}
