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

    ApiKeyAuthenticator(KeyHasher hasher, Clock clock, ApiKeys keys) {
        this.hasher = hasher;
        this.clock = clock;
        this.keys = keys;
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
        return Optional
                .of(new Caller.Key(key.id, key.keyId, key.name, key.kindEnum(), key.organizationId, key.ownerSubject));
    }
}
