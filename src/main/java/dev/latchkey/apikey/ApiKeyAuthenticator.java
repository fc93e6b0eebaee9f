package dev.latchkey.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.security.Caller;
import dev.latchkey.security.KeyAuthenticator;
import dev.latchkey.vocabulary.KeyState;

/**
 * Checks a presented key against storage for the management plane: right prefix, matching secret (the previous one too
 * while a rotation's grace period lasts), not deleted and active.
 */
@ApplicationScoped
public class ApiKeyAuthenticator implements KeyAuthenticator {

    private final KeyHasher hasher;
    private final Clock clock;
    private final ApiKeys keys;

    private final PepperRehash rehash;

    ApiKeyAuthenticator(KeyHasher hasher, Clock clock, ApiKeys keys, PepperRehash rehash) {
        this.hasher = hasher;
        this.clock = clock;
        this.keys = keys;
        this.rehash = rehash;
    }

    @Override
    public boolean hasKeyFormat(String credential) {
        return KeyFormat.parse(credential) != null;
    }

    @Override
    public Optional<Caller.Key> authenticate(String credential) {
        KeyFormat.ParsedKey presented = KeyFormat.parse(credential);
        if (presented == null) {
            return Optional.empty();
        }
        return authenticate(presented);
    }

    /** The key caller, or empty when the key is unknown, wrong or not active. */
    public Optional<Caller.Key> authenticate(KeyFormat.ParsedKey presented) {
        ApiKey key = keys.findByKeyId(presented.keyId()).orElse(null);
        Instant now = clock.instant();
        if (key == null || !key.prefix.equals(presented.prefix().stored())
                || !hasher.matchesCurrentOrPrevious(presented.secret(), key.secretHash, key.previousSecretHash,
                        key.previousSecretExpiresAt, now.toEpochMilli())
                || key.deletedAt != null || key.state(now) != KeyState.ACTIVE) {
            return Optional.empty();
        }
        if (hasher.rotating()) { // a pepper rotation: a secret that matched only under an earlier pepper is re-hashed
            byte[] digest = hasher.hash(presented.secret());
            byte[] secret = presented.secret().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!java.security.MessageDigest.isEqual(digest, key.secretHash) && hasher.matchesUnderOtherPepper(secret,
                    0, secret.length, key.secretHash) == KeyHasher.Other.EARLIER) {
                rehash.ask(key.id, key.organizationId, key.keyId, key.secretHash, digest);
            }
        }
        return Optional
                .of(new Caller.Key(key.id, key.keyId, key.name, key.kindEnum(), key.organizationId, key.ownerSubject));
    }
}
