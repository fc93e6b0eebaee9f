package dev.latchkey.verify;

import java.util.Collection;

import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.OrgState;
import dev.latchkey.limit.Quotas;
import dev.latchkey.limit.RateLimiter;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * A verify answer: the code, the key it concerns and the organization state it was decided under (both null when the
 * key is unknown), the effective permissions with their header form, and the rate state.
 */
public record Decision(VerifyCode code, CachedKey key, OrgState org, Collection<String> permissions,
        String permissionsHeader, RateLimiter.Probe rate, Quotas.Result quota) {

    /** No key was presented (gateway mode): answered like an unknown key. */
    public static Decision missing() {
        return of(VerifyCode.NOT_FOUND);
    }

    /** An answer about no particular key. */
    public static Decision of(VerifyCode code) {
        return new Decision(code, null, null, null, null, null, null);
    }

    static Decision of(VerifyCode code, CachedKey key, OrgState org) {
        return new Decision(code, key, org, null, null, null, null);
    }

    /** The answer after the rate limit: unchanged code when a token was taken, RATE_LIMITED otherwise. */
    public Decision withRate(RateLimiter.Probe probe) {
        return new Decision(probe.allowed() ? code : VerifyCode.RATE_LIMITED, key, org, permissions, permissionsHeader,
                probe, quota);
    }

    /** The answer after the quota: USAGE_EXCEEDED, UNAVAILABLE (the shared store is unreachable) or unchanged. */
    public Decision withQuota(Quotas.Result result) {
        if (result.unavailable()) {
            return of(VerifyCode.UNAVAILABLE);
        }
        return new Decision(result.allowed() ? code : VerifyCode.USAGE_EXCEEDED, key, org, permissions,
                permissionsHeader, rate, result);
    }

    /** Seconds a gateway should wait before retrying a limit denial, or -1 when waiting will not help. */
    public long retryAfterSeconds(long nowMillis) {
        if (code == VerifyCode.RATE_LIMITED && rate != null) {
            return rate.retryAfterSeconds();
        }
        if (code == VerifyCode.USAGE_EXCEEDED && quota != null && quota.refillAt() != null) {
            return Math.max(1, (quota.refillAt() - nowMillis + 999) / 1000);
        }
        return -1;
    }

    /** The same answer with another code and without key details (gateway denial bodies). */
    public Decision codeOnly() {
        return of(code);
    }

    public boolean valid() {
        return code == VerifyCode.VALID;
    }
}
