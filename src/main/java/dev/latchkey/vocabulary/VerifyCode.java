package dev.latchkey.vocabulary;

/** The outcome codes of README, "Verify API", plus UNAVAILABLE for the 503 when the database is needed and down. */
public enum VerifyCode {
    VALID, NOT_FOUND, EXPIRED, REVOKED, DISABLED, FORBIDDEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, IP_NOT_ALLOWED,
    UNAVAILABLE, ROUTE_NOT_ALLOWED, USAGE_EXCEEDED
}
