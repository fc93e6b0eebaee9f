package dev.latchkey.webhook;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.latchkey.webhook.delivery.Backoff;

/** The retry schedule: exponential, jittered within ±25 %, and retrying for at least the configured day. */
class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void doublesFromFiveSecondsToFourHoursWithinTheJitter() {
        Backoff low = new Backoff(Duration.ofDays(1), () -> 0.0);
        Backoff high = new Backoff(Duration.ofDays(1), () -> 0.999999);
        long[] expected = { 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 14400, 14400 };
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            long base = expected[attempt - 1] * 1000;
            long lo = Duration.between(T0, low.next(attempt, T0, T0)).toMillis();
            long hi = Duration.between(T0, high.next(attempt, T0, T0)).toMillis();
            assertEquals(Math.round(base * 0.75), lo, "attempt " + attempt);
            assertEquals(Math.round(base * 1.25), hi, 50, "attempt " + attempt);
        }
    }

    @Test
    void retriesUntilAnAttemptFailsAtOrAfterTheRetryWindow() {
        Backoff b = new Backoff(Duration.ofDays(1), () -> 0.5);
        Instant now = T0;
        int attempt = 1;
        Instant next;
        while ((next = b.next(attempt, T0, now)) != null) {
            now = next;
            attempt++;
        }
        assertFalse(now.isBefore(T0.plus(Duration.ofDays(1))), "the last attempt is a day or more after the first");
        assertTrue(now.isBefore(T0.plus(Duration.ofHours(29))), "and within one longest delay after it: " + now);
        System.out.printf("a delivery that never succeeds is tried %d times over %s%n", attempt,
                Duration.between(T0, now));
    }
}
