package dev.latchkey.common;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import dev.latchkey.error.ApiException;

/**
 * Instants a client may send: years 1 to 9999 (ISO-8601's four-digit years). PostgreSQL's timestamptz and every client
 * library hold them; Java's {@code Instant} goes much further, and such values failed in the database (500).
 */
public final class Instants {

    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Instants() {
    }

    /** Whether the instant lies in the accepted range. */
    public static boolean storable(Instant i) {
        return !i.isBefore(MIN) && !i.isAfter(MAX);
    }

    /** A query value as an instant: 400 naming {@code field} unless ISO-8601 and in range. */
    public static Instant parse(String field, String value) {
        Instant i;
        try {
            i = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
        if (!storable(i)) {
            throw ApiException.invalid(field, "must lie in years 1 to 9999");
        }
        return i;
    }
}
