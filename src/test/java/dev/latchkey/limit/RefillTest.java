package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Refill boundaries in UTC: days, calendar months (incl. leap February and year ends), fixed durations. */
class RefillTest {

    static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void dailyBoundariesAreUtcMidnights() {
        Refill r = new Refill(100, "daily");
        assertEquals(r.index(ms("2026-12-01T00:00:00Z")), r.index(ms("2026-12-01T23:59:59.999Z")));
        assertEquals(r.index(ms("2026-12-01T23:59:59.999Z")) + 1, r.index(ms("2026-12-02T00:00:00Z")));
        assertEquals(ms("2026-12-02T00:00:00Z"), r.nextAfter(ms("2026-12-01T13:14:15Z")));
        assertEquals(ms("2026-12-02T00:00:00Z"), r.nextAfter(ms("2026-12-01T00:00:00Z")));
    }

    @Test
    void monthlyBoundariesAreFirstDaysOfCalendarMonths() {
        Refill r = new Refill(5, "monthly");
        assertEquals(ms("2027-01-01T00:00:00Z"), r.nextAfter(ms("2026-12-31T23:59:59Z")));
        assertEquals(ms("2028-03-01T00:00:00Z"), r.nextAfter(ms("2028-02-29T12:00:00Z")));
        assertEquals(r.index(ms("2026-11-30T23:59:59Z")) + 1, r.index(ms("2026-12-01T00:00:00Z")));
        assertEquals(ms("2026-12-01T00:00:00Z"), r.startOf(r.index(ms("2026-12-17T08:00:00Z"))));
        assertEquals(ms("1969-12-01T00:00:00Z"), r.startOf(-1));
    }

    @Test
    void durationsCountFromTheEpoch() {
        Refill r = new Refill(10, "PT1H");
        assertEquals(ms("2026-12-01T11:00:00Z"), r.nextAfter(ms("2026-12-01T10:30:00Z")));
        assertEquals(ms("2026-12-01T10:15:00Z"), new Refill(1, "PT15M").nextAfter(ms("2026-12-01T10:00:00Z")));
    }

    @Test
    void badRefillsAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> new Refill(0, "daily"));
        assertThrows(IllegalArgumentException.class, () -> new Refill(1, "weekly"));
        assertThrows(IllegalArgumentException.class, () -> new Refill(1, "PT30S"));
        assertThrows(IllegalArgumentException.class, () -> new Refill(1, "P400D"));
        assertThrows(IllegalArgumentException.class, () -> new Refill(1, "PT1.5M"));
        assertThrows(IllegalArgumentException.class, () -> new Refill(1, null));
        assertEquals("interval must be daily, monthly or an ISO-8601 duration such as PT1H",
                assertThrows(IllegalArgumentException.class, () -> new Refill(1, "P1M")).getMessage());
    }
}
