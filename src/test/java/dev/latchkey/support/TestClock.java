package dev.latchkey.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The application's {@link java.time.Clock} in {@code @QuarkusTest}s: it stands still at the instant the application
 * started (to the microsecond) and moves only when a test moves it, so expiry, grace periods, windows and refills are
 * tested without sleeping and without the wall clock deciding anything. It only ever moves forward (tests share one
 * application).
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock extends UtcClock {

    private final AtomicLong micros = new AtomicLong(
            ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now().truncatedTo(ChronoUnit.MICROS)));

    /** Moves time forward. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        micros.addAndGet(d.toNanos() / 1_000);
    }

    /** Moves time forward to {@code to}. */
    public void set(Instant to) {
        long target = ChronoUnit.MICROS.between(Instant.EPOCH, to);
        micros.accumulateAndGet(target, (now, t) -> {
            if (t < now) {
                throw new IllegalArgumentException("time only moves forward: " + to + " is before " + instant());
            }
            return t;
        });
    }

    @Override
    public long millis() {
        return Math.floorDiv(micros.get(), 1_000);
    }

    @Override
    public Instant instant() {
        return Instant.EPOCH.plus(micros.get(), ChronoUnit.MICROS);
    }
}
