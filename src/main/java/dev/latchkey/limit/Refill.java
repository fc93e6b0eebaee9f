package dev.latchkey.limit;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A quota's refill (README, "Rate limits and quotas"): at each interval boundary (UTC) the remaining units are raised
 * to {@code amount} if they are below it — "add amount, up to it, not beyond" — and never lowered. Boundaries are
 * numbered from the epoch (days, calendar months, or multiples of a fixed duration since 1970-01-01T00:00Z), so every
 * replica computes the same index for the same instant and a refill is applied once per index whoever applies it.
 */
public record Refill(long amount, String interval) {

    public static final long MAX_AMOUNT = 1_000_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final Duration MIN = Duration.ofMinutes(1);
    private static final Duration MAX = Duration.ofDays(366);

    public Refill {
        if (amount < 1 || amount > MAX_AMOUNT) {
            throw new IllegalArgumentException("amount must be from 1 to " + MAX_AMOUNT);
        }
        periodMillis(interval); // validates
    }

    /** The boundary index of an instant: how many boundaries have passed since the epoch. */
    public long index(long epochMillis) {
        long period = periodMillis(interval);
        if (period > 0) {
            return Math.floorDiv(epochMillis, period);
        }
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(epochMillis, DAY));
        return (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
    }

    /** When the period with this index starts (epoch milliseconds). */
    public long startOf(long index) {
        long period = periodMillis(interval);
        if (period > 0) {
            return index * period;
        }
        LocalDate first = LocalDate.of((int) (1970 + Math.floorDiv(index, 12)), (int) Math.floorMod(index, 12) + 1, 1);
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The next refill after an instant (epoch milliseconds). */
    public long nextAfter(long epochMillis) {
        return startOf(index(epochMillis) + 1);
    }

    /** Milliseconds of a fixed interval, or 0 for {@code monthly}; IllegalArgumentException when not an interval. */
    static long periodMillis(String interval) {
        if (interval == null) {
            throw new IllegalArgumentException("interval must be daily, monthly or an ISO-8601 duration such as PT1H");
        }
        switch (interval) {
        case "daily":
            return DAY;
        case "monthly":
            return 0;
        default:
            Duration d;
            try {
                d = Duration.parse(interval);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "interval must be daily, monthly or an ISO-8601 duration such as PT1H");
            }
            if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0 || d.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("interval must be whole seconds from PT1M to P366D");
            }
            return d.toMillis();
        }
    }
}
