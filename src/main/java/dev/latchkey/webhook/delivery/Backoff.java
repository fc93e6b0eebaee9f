package dev.latchkey.webhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again (README, "Webhooks"): 5 s after the first attempt, doubling each time up to 4
 * hours, each delay spread by ±25 % (jitter, so a receiver that comes back is not hit by every delivery at once); a
 * delivery is tried until the attempt that fails at or after {@code retryFor} (default 24 h) from its creation, so the
 * retries cover at least that long; then it has failed.
 */
public final class Backoff {

    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration LONGEST = Duration.ofHours(4);

    private final Duration retryFor;
    private final DoubleSupplier random;

    public Backoff(Duration retryFor, DoubleSupplier random) {
        this.retryFor = retryFor;
        this.random = random;
    }

    /** The delay after the {@code attempts}-th attempt failed, before jitter. */
    static Duration base(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        long seconds = FIRST.toSeconds() << Math.min(doublings, 20);
        return seconds >= LONGEST.toSeconds() ? LONGEST : Duration.ofSeconds(seconds);
    }

    /** The next attempt after a failure at {@code now}, or null: the delivery has failed for good. */
    public Instant next(int attempts, Instant created, Instant now) {
        if (!now.isBefore(created.plus(retryFor))) {
            return null;
        }
        long millis = base(attempts).toMillis();
        long jittered = Math.round(millis * (0.75 + 0.5 * random.getAsDouble()));
        return now.plusMillis(Math.max(1, jittered));
    }
}
