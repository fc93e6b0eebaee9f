package dev.latchkey.common;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one source of "now", so that tests and time-based rules never call {@code Instant.now()} directly. */
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        // PostgreSQL stores microseconds: ticking at that precision makes a create answer equal a later read
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }
}
