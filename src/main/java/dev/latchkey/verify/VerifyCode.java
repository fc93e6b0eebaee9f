package dev.latchkey.verify;

/** The outcome codes of DESIGN §4, plus UNAVAILABLE for the 503 when the database is needed and down. */
public enum VerifyCode {
    VALID, NOT_FOUND, EXPIRED, REVOKED, DISABLED, FORBIDDEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, IP_NOT_ALLOWED,
    UNAVAILABLE, ROUTE_NOT_ALLOWED;

    /** The HTTP status of a gateway (/authorize) answer; nginx mode maps 429 to 403. */
    public int gatewayStatus(boolean nginx) {
        return switch (this) {
        case VALID -> 200;
        case NOT_FOUND, EXPIRED, REVOKED, DISABLED -> 401;
        case FORBIDDEN, INSUFFICIENT_PERMISSIONS, IP_NOT_ALLOWED, ROUTE_NOT_ALLOWED -> 403;
        case RATE_LIMITED -> nginx ? 403 : 429;
        case UNAVAILABLE -> 503;
        };
    }
}
