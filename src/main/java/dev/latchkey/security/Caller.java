package dev.latchkey.security;

import dev.latchkey.vocabulary.KeyKind;

/** Who is calling the management API: a user (JWT subject) or an API key. */
public sealed interface Caller {

    /** "user" or "key", as in audit events. */
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
