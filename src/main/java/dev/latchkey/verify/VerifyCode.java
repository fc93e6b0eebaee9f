package dev.latchkey.verify;

/** The outcome codes of DESIGN §4, plus UNAVAILABLE for the 503 when the database is needed and down. */
public enum VerifyCode {
    VALID, NOT_FOUND, EXPIRED, REVOKED, DISABLED, FORBIDDEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, IP_NOT_ALLOWED,
    UNAVAILABLE, ROUTE_NOT_ALLOWED, USAGE_EXCEEDED;

    /**
     * The HTTP status of a gateway (/authorize) answer; nginx mode maps 429 to 403. USAGE_EXCEEDED is 429 only when a
     * refill is due (retrying later helps), else 403: see {@link #gatewayStatus(boolean, boolean)}.
     */
    public int gatewayStatus(boolean nginx) {
        return gatewayStatus(nginx, false);
    }

    /** The gateway status, knowing whether a quota refill is due. */
    public int gatewayStatus(boolean nginx, boolean refillDue) {
        return switch (this) {
        case VALID -> 200;
        case NOT_FOUND, EXPIRED, REVOKED, DISABLED -> 401;
        case FORBIDDEN, INSUFFICIENT_PERMISSIONS, IP_NOT_ALLOWED, ROUTE_NOT_ALLOWED -> 403;
        case RATE_LIMITED -> nginx ? 403 : 429;
        case USAGE_EXCEEDED -> nginx || !refillDue ? 403 : 429;
        case UNAVAILABLE -> 503;
        };
    }
}
