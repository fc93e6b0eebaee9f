package dev.latchkey.verify;

import java.util.Collection;

import dev.latchkey.verify.cache.CachedKey;
import dev.latchkey.verify.cache.OrgState;

/**
 * A verify answer: the code, the key it concerns and the organization state it was decided under (both null when the
 * key is unknown), the effective permissions with their header form, and the rate state.
 */
public record Decision(VerifyCode code, CachedKey key, OrgState org, Collection<String> permissions,
        String permissionsHeader, RateLimits.Probe rate) {

    /** No key was presented (gateway mode): answered like an unknown key. */
    public static Decision missing() {
        return of(VerifyCode.NOT_FOUND);
    }

    /** An answer about no particular key. */
    public static Decision of(VerifyCode code) {
        return new Decision(code, null, null, null, null, null);
    }

    static Decision of(VerifyCode code, CachedKey key, OrgState org) {
        return new Decision(code, key, org, null, null, null);
    }

    /** The same answer with another code and without key details (gateway denial bodies). */
    public Decision codeOnly() {
        return of(code);
    }

    public boolean valid() {
        return code == VerifyCode.VALID;
    }
}
