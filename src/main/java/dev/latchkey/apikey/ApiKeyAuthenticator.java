package dev.latchkey.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.apikey.format.ImportedValue;
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

    /** Latchkey's format, or a value that may be an imported key: not a JWT (which has exactly two dots). */
    @Override
    public boolean hasKeyFormat(String credential) {
        return KeyFormat.parse(credential) != null
                || ImportedValue.plausible(credential) && credential.chars().filter(c -> c == '.').count() != 2;
    }

    @Override
    public Optional<Caller.Key> authenticate(String credential) {
        KeyFormat.ParsedKey presented = KeyFormat.parse(credential);
        if (presented == null) {
            return ImportedValue.plausible(credential) ? authenticateImported(credential) : Optional.empty();
        }
        return authenticate(presented);
    }

    /**
     * An imported value (README, "Importing keys"): each import prefix it starts with, hashed as imported values are
     * stored (under the current pepper, then any other accepted one), looked up, compared in constant time.
     */
    private Optional<Caller.Key> authenticateImported(String value) {
        Instant now = clock.instant();
        for (String prefix : keys.importPrefixes()) {
            if (!value.startsWith(prefix)) {
                continue;
            }
            byte[] digest = ImportedValue.sha256(value, prefix.length());
            for (byte[] hash : hasher.hashesUnderEveryPepper(digest, 0, digest.length)) {
                ApiKey key = keys.findImported(prefix, hash).orElse(null);
                if (key == null) {
                    continue;
                }
                boolean current = "current".equals(key.importedSecret);
                boolean matches = current ? MessageDigest.isEqual(hash, key.secretHash) : KeyHasher
                        .previousMatches(hash, key.previousSecretHash, key.previousSecretExpiresAt, now.toEpochMilli());
                if (matches && key.deletedAt == null && key.state(now) == KeyState.ACTIVE) {
                    return Optional.of(new Caller.Key(key.id, key.keyId, key.name, key.kindEnum(), key.organizationId,
                            key.ownerSubject));
                }
            }
        }
        return Optional.empty();
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
            byte[] secret = presented.secret().getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(digest, key.secretHash) && hasher.matchesUnderOtherPepper(secret, 0,
                    secret.length, key.secretHash) == KeyHasher.Other.EARLIER) {
                rehash.ask(key.id, key.organizationId, key.keyId, key.secretHash, digest);
            }
        }
        return Optional
                .of(new Caller.Key(key.id, key.keyId, key.name, key.kindEnum(), key.organizationId, key.ownerSubject));
    }
}
