package dev.latchkey.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The application's {@link java.time.Clock} in {@code @QuarkusTest}s: the wall clock plus an offset that tests move
 * forward, so that expiry and grace periods are tested without sleeping. It only ever moves forward (tests share one
 * application).
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock extends UtcClock {

    private final AtomicLong offsetNanos = new AtomicLong();

    /** Moves time forward. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        offsetNanos.addAndGet(d.toNanos());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetNanos.get() / 1_000_000;
    }

    @Override
    public Instant instant() {
        return Instant.now().plusNanos(offsetNanos.get()).truncatedTo(ChronoUnit.MICROS);
    }
}
