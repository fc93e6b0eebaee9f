package dev.latchkey.verify;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import dev.latchkey.apikey.KeyFormat;
import dev.latchkey.apikey.KeyHasher;
import dev.latchkey.apikey.KeyKind;
import dev.latchkey.common.Cidr;
import dev.latchkey.security.Permissions;

/**
 * The rules of DESIGN §4 applied to a snapshot: in memory, no I/O. Order matters: a wrong secret is NOT_FOUND before
 * anything about the key is revealed; then state (revoked, expired, disabled), then kind and owner, IP, workspace,
 * permissions, and the rate limit last (denials do not spend tokens).
 */
@Singleton
public class Verifier {

    private final KeyHasher hasher;
    private final RateLimits rateLimits;

    public Verifier(KeyHasher hasher, RateLimits rateLimits) {
        this.hasher = hasher;
        this.rateLimits = rateLimits;
    }

    /** Decides for a presented key whose checksum is valid and whose id matched {@code key}. */
    public Decision decide(KeySnapshot key, KeyFormat.ParsedKey presented, VerifyRequest request, long nowMillis) {
        if (!key.prefix().equals(presented.prefix().stored()) || !hasher.matchesCurrentOrPrevious(presented.secret(),
                key.secretHash(), key.previousSecretHash(), key.previousSecretExpiresAt(), nowMillis)) {
            return Decision.of(VerifyCode.NOT_FOUND);
        }
        if (key.revoked()) {
            return Decision.of(VerifyCode.REVOKED, key);
        }
        if (key.expiresAt() != null && key.expiresAt().toEpochMilli() <= nowMillis) {
            return Decision.of(VerifyCode.EXPIRED, key);
        }
        if (!key.enabled()) {
            return Decision.of(VerifyCode.DISABLED, key);
        }
        if (key.kind() == KeyKind.ADMIN || (key.kind() == KeyKind.PERSONAL && !key.owner().member())) {
            return Decision.of(VerifyCode.FORBIDDEN, key);
        }
        if (key.ipAllowlist() != null && !key.ipAllowlist().isEmpty() && !allowed(key.ipAllowlist(), request.ip())) {
            return Decision.of(VerifyCode.IP_NOT_ALLOWED, key);
        }
        String workspace = request.workspace();
        if (workspace != null && !key.covers(workspace)) {
            return Decision.of(VerifyCode.FORBIDDEN, key);
        }
        Set<String> ownerHolds = key.kind() == KeyKind.PERSONAL ? key.owner().holds(workspace) : null;
        List<String> wanted = request.permissions();
        if (wanted != null) {
            for (String p : wanted) {
                if (!Permissions.anyCovers(key.permissions(), p)
                        || (ownerHolds != null && !Permissions.anyCovers(ownerHolds, p))) {
                    return new Decision(VerifyCode.INSUFFICIENT_PERMISSIONS, key, effective(key, ownerHolds), null);
                }
            }
        }
        Collection<String> effective = effective(key, ownerHolds);
        RateLimits.Probe rate = rateLimits.take(key, nowMillis);
        if (rate != null && !rate.allowed()) {
            return new Decision(VerifyCode.RATE_LIMITED, key, effective, rate);
        }
        return new Decision(VerifyCode.VALID, key, effective, rate);
    }

    private static Collection<String> effective(KeySnapshot key, Set<String> ownerHolds) {
        return ownerHolds == null ? key.permissions() : Permissions.intersect(key.permissions(), ownerHolds);
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
