package dev.latchkey.common;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one source of "now", so that tests and time-based rules never call {@code Instant.now()} directly. */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return new MicrosecondClock();
    }

    /**
     * UTC with microsecond instants: PostgreSQL stores microseconds, so a create answer equals a later read.
     * ({@code Clock.tick} with a sub-millisecond tick divides by zero in {@code millis()} on JDK 17.)
     */
    static final class MicrosecondClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.system(zone);
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.now().truncatedTo(ChronoUnit.MICROS);
        }
    }
}
