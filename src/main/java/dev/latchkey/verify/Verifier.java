package dev.latchkey.verify;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import dev.latchkey.apikey.PepperRehash;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.Grant;
import dev.latchkey.keycache.Resolved;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.Permissions;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * The rules of README, "Verify API" applied to a cached key and its organization's current state: in memory, no I/O.
 * Order matters: a wrong secret is NOT_FOUND before anything about the key is revealed; then state (revoked, expired,
 * disabled), then kind and owner, IP, route, workspace, permissions. Limits are applied to a VALID answer afterwards
 * ({@link VerifyService}), so that denials spend neither rate-limit tokens nor quota units.
 */
@Singleton
public class Verifier {

    private final KeyHasher hasher;
    private final PepperRehash rehash;

    public Verifier(KeyHasher hasher, PepperRehash rehash) {
        this.hasher = hasher;
        this.rehash = rehash;
    }

    /** Decides for a presented key whose checksum is valid and whose id matched the resolved key. */
    public Decision decide(Resolved r, KeyFormat.ParsedKey presented, VerifyRequest request, long nowMillis) {
        CachedKey key = r.key();
        var org = r.org();
        if (!key.prefix().equals(presented.prefix().stored()) || !secretMatches(key, presented, nowMillis)) {
            return Decision.of(VerifyCode.NOT_FOUND);
        }
        return decideFound(r, request, nowMillis);
    }

    /**
     * Decides for a presented imported value (README, "Importing keys") found in the index under {@code prefix}: its
     * hash {@code hash} must be the key's imported one (the previous hash only while a rotation's grace lasts),
     * compared in constant time. {@code rehashTo} is set when {@code hash} was under an earlier pepper: the value's
     * hash under the current one, which the key is then asked to be stored as.
     */
    public Decision decideImported(Resolved r, String prefix, byte[] hash, byte[] rehashTo, VerifyRequest request,
            long nowMillis) {
        CachedKey key = r.key();
        CachedKey.Imported imported = key.imported();
        if (imported == null || !imported.prefix().equals(prefix)) {
            return Decision.of(VerifyCode.NOT_FOUND);
        }
        boolean matches = imported.current() ? key.currentSecretIs(hash)
                : KeyHasher.previousMatches(hash, key.previousSecretHash(), key.previousSecretExpiresAt(), nowMillis);
        if (!matches) {
            return Decision.of(VerifyCode.NOT_FOUND);
        }
        if (rehashTo != null && imported.current()) {
            rehash.ask(key.id(), key.org().id(), key.keyId(), hash, rehashTo);
        }
        return decideFound(r, request, nowMillis);
    }

    /** The rules after the secret matched: state, kind and owner, IP, route, workspace, permissions. */
    private Decision decideFound(Resolved r, VerifyRequest request, long nowMillis) {
        CachedKey key = r.key();
        var org = r.org();
        if (key.revoked()) {
            return Decision.of(VerifyCode.REVOKED, key, org);
        }
        if (key.expiresAt() != null && key.expiresAt().toEpochMilli() <= nowMillis) {
            return Decision.of(VerifyCode.EXPIRED, key, org);
        }
        if (!key.enabled()) {
            return Decision.of(VerifyCode.DISABLED, key, org);
        }
        if (key.kind() == KeyKind.ADMIN || (key.kind() == KeyKind.PERSONAL && !r.owner().member())) {
            return Decision.of(VerifyCode.FORBIDDEN, key, org);
        }
        if (key.ipAllowlist() != null && !key.ipAllowlist().isEmpty()
                && !allowed(key.ipAllowlist(), request.ip().resolve())) {
            return Decision.of(VerifyCode.IP_NOT_ALLOWED, key, org);
        }
        if (key.routes() != null && !key.routes().allows(request.original().method(), request.original().path())) {
            return Decision.of(VerifyCode.ROUTE_NOT_ALLOWED, key, org);
        }
        String workspace = request.workspace();
        Long workspaceId = null;
        if (workspace != null) {
            if (!key.covers(org, workspace)) {
                return Decision.of(VerifyCode.FORBIDDEN, key, org);
            }
            workspaceId = org.workspaceId(workspace);
        }
        Grant grant = key.grant(org);
        Set<String> ownerHolds = key.kind() == KeyKind.PERSONAL ? r.owner().holds(org, workspaceId) : null;
        List<String> wanted = request.permissions();
        if (wanted != null) {
            for (String p : wanted) {
                if (!Permissions.anyCovers(grant.permissions(), p)
                        || (ownerHolds != null && !Permissions.anyCovers(ownerHolds, p))) {
                    Collection<String> effective = effective(grant, ownerHolds);
                    return new Decision(VerifyCode.INSUFFICIENT_PERMISSIONS, key, org, effective, null, null, null);
                }
            }
        }
        Collection<String> effective = effective(grant, ownerHolds);
        String header = effective == grant.permissions() ? grant.header() : String.join(",", effective);
        // rate limit and quota come after (VerifyService): they may need a round trip to the shared store
        return new Decision(VerifyCode.VALID, key, org, effective, header, null, null);
    }

    /**
     * The current secret, or the previous one while a rotation's grace period lasts; hashed once, constant time. During
     * a pepper rotation a secret that matches neither is tried under the earlier peppers, and a current secret found
     * there is asked to be hashed again under the current pepper.
     */
    private boolean secretMatches(CachedKey key, KeyFormat.ParsedKey presented, long nowMillis) {
        byte[] digest = hasher.hash(presented.raw(), presented.secretStart(), KeyFormat.SECRET_LENGTH);
        if (key.currentSecretIs(digest) || KeyHasher.previousMatches(digest, key.previousSecretHash(),
                key.previousSecretExpiresAt(), nowMillis)) {
            return true;
        }
        if (!hasher.rotating()) {
            return false;
        }
        byte[] stored = key.secretHash();
        KeyHasher.Other other = hasher.matchesUnderOtherPepper(presented.raw(), presented.secretStart(),
                KeyFormat.SECRET_LENGTH, stored);
        if (other == KeyHasher.Other.EARLIER) {
            rehash.ask(key.id(), key.org().id(), key.keyId(), stored, digest);
        }
        if (other != KeyHasher.Other.NONE) {
            return true;
        }
        return key.previousSecretExpiresAt() != null && key.previousSecretExpiresAt().toEpochMilli() > nowMillis
                && hasher.matchesUnderOtherPepper(presented.raw(), presented.secretStart(), KeyFormat.SECRET_LENGTH,
                        key.previousSecretHash()) != KeyHasher.Other.NONE;
    }

    private static Collection<String> effective(Grant grant, Set<String> ownerHolds) {
        return ownerHolds == null ? grant.permissions() : Permissions.intersect(grant.permissions(), ownerHolds);
    }

    private static boolean allowed(List<Cidr> allowlist, byte[] ip) {
        if (ip == null) {
            return false;
        }
        for (Cidr c : allowlist) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
