package dev.latchkey.verify;

import java.util.Collection;

/** A verify answer: the code, the key it concerns (null when unknown), effective permissions and rate state. */
public record Decision(VerifyCode code, KeySnapshot key, Collection<String> permissions, RateLimits.Probe rate) {

    /** No key was presented (gateway mode): answered like an unknown key. */
    public static Decision missing() {
        return of(VerifyCode.NOT_FOUND);
    }

    static Decision of(VerifyCode code) {
        return new Decision(code, null, null, null);
    }

    static Decision of(VerifyCode code, KeySnapshot key) {
        return new Decision(code, key, null, null);
    }

    public boolean valid() {
        return code == VerifyCode.VALID;
    }
}
