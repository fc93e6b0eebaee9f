package dev.latchkey.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.inject.Singleton;

import dev.latchkey.verify.VerifyCode;

/**
 * Counts verify outcomes per key and hour, and the last successful use of each key, in memory: the hot path only
 * increments. {@link UsageFlusher} drains it in batches; what a failed flush drained is put back, so nothing is lost
 * while the database is away.
 */
@Singleton
public class UsageRecorder {

    private static final int CODES = VerifyCode.values().length;

    /** One key in one hour. */
    public record Slot(long keyPk, long hourEpochSecond) {
    }

    /** A drained count. */
    public record Count(long keyPk, long hourEpochSecond, VerifyCode code, long count) {
    }

    /** What one flush takes out. */
    public record Drained(List<Count> counts, Map<Long, Long> lastUsed) {
        public boolean isEmpty() {
            return counts.isEmpty() && lastUsed.isEmpty();
        }
    }

    private final ConcurrentHashMap<Slot, AtomicLongArray> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> lastUsed = new ConcurrentHashMap<>();

    /** Counts one outcome for a key; a VALID answer also marks the key as used. */
    public void record(long keyPk, VerifyCode code, long nowMillis) {
        long hour = nowMillis / 3_600_000L * 3_600L;
        counts.computeIfAbsent(new Slot(keyPk, hour), s -> new AtomicLongArray(CODES)).incrementAndGet(code.ordinal());
        if (code == VerifyCode.VALID) {
            lastUsed.merge(keyPk, nowMillis, Math::max);
        }
    }

    /** Takes out everything counted so far. Slots two hours old and empty are dropped. */
    public Drained drain(long nowMillis) {
        List<Count> out = new ArrayList<>();
        long currentHour = nowMillis / 3_600_000L * 3_600L;
        counts.forEach((slot, arr) -> {
            boolean any = false;
            for (int i = 0; i < CODES; i++) {
                long n = arr.getAndSet(i, 0);
                if (n > 0) {
                    out.add(new Count(slot.keyPk(), slot.hourEpochSecond(), VerifyCode.values()[i], n));
                    any = true;
                }
            }
            // nobody counts into an hour that ended two hours ago: safe to forget the empty slot
            if (!any && slot.hourEpochSecond() <= currentHour - 7_200) {
                counts.remove(slot, arr);
            }
        });
        Map<Long, Long> used = new java.util.HashMap<>();
        lastUsed.forEach((k, v) -> {
            if (lastUsed.remove(k, v)) {
                used.put(k, v);
            }
        });
        return new Drained(out, used);
    }

    /** Puts a drained batch back after a failed flush. */
    public void restore(Drained drained) {
        for (Count c : drained.counts()) {
            counts.computeIfAbsent(new Slot(c.keyPk(), c.hourEpochSecond()), s -> new AtomicLongArray(CODES))
                    .addAndGet(c.code().ordinal(), c.count());
        }
        drained.lastUsed().forEach((k, v) -> lastUsed.merge(k, v, Math::max));
    }

    /** Slots and last-used marks waiting for a flush. */
    public long backlog() {
        return counts.size() + lastUsed.size();
    }
}
