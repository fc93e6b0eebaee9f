package dev.latchkey.usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import dev.latchkey.verify.VerifyCode;

/**
 * Counts verify outcomes per key and hour, and the last successful use of each key, in memory: the hot path increments
 * counters on the cached key ({@link UsageCounters}); no map, no allocation. {@link UsageFlusher} drains the cached
 * keys that have counts (the key cache registers itself as the {@link #source}) and the entries that left the cache
 * with counts ({@link #retire}); what a failed flush drained is put back, so nothing is lost while the database is
 * away.
 */
@Singleton
public class UsageRecorder {

    /** A drained count. */
    public record Count(long keyPk, long hourEpochSecond, VerifyCode code, long count) {
    }

    /** What one flush takes out: counts summed per (key, hour, outcome), and last uses per key. */
    public record Drained(List<Count> counts, Map<Long, Long> lastUsed) {
        public boolean isEmpty() {
            return counts.isEmpty() && lastUsed.isEmpty();
        }
    }

    /** Receives counts. */
    @FunctionalInterface
    interface CountSink {
        void accept(long keyPk, long hourEpochSecond, VerifyCode code, long n);
    }

    /** Receives last uses. */
    @FunctionalInterface
    interface LastUsedSink {
        void accept(long keyPk, long atMillis);
    }

    private record Slot(long keyPk, long hourEpochSecond, VerifyCode code) {
    }

    /** Where the live counters are (the key cache's entries). */
    private volatile Supplier<Iterable<? extends UsageCounters>> source = List::of;
    /**
     * Entries that left the cache with counts, with the flush number they were retired at. A request may still hold a
     * retired entry for a moment, so it is drained by two flushes before it is forgotten.
     */
    private final Map<UsageCounters, Integer> retired = new IdentityHashMap<>();
    private int flushes;
    /** Counts of finished hours and of failed flushes, waiting for the next flush. */
    private final List<Count> pending = new ArrayList<>();
    private final Map<Long, Long> pendingLastUsed = new HashMap<>();

    /** Counts one outcome for a key. */
    public void record(UsageCounters key, VerifyCode code, long nowMillis) {
        key.record(code, nowMillis, this);
    }

    /** Registers where the live counters are. */
    public void source(Supplier<Iterable<? extends UsageCounters>> counters) {
        this.source = counters;
    }

    /** An entry left the cache (replaced, evicted): its counts are still flushed. */
    public void retire(UsageCounters key) {
        if (key.dirty()) {
            synchronized (retired) {
                retired.putIfAbsent(key, flushes);
            }
        }
    }

    void addCount(long keyPk, long hourEpochSecond, VerifyCode code, long n) {
        synchronized (pending) {
            pending.add(new Count(keyPk, hourEpochSecond, code, n));
        }
    }

    /** Takes out everything counted so far, summed per (key, hour, outcome). */
    public Drained drain() {
        Map<Slot, Long> sums = new HashMap<>();
        Map<Long, Long> used = new HashMap<>();
        synchronized (pending) {
            for (Count c : pending) {
                sums.merge(new Slot(c.keyPk(), c.hourEpochSecond(), c.code()), c.count(), Long::sum);
            }
            pending.clear();
            used.putAll(pendingLastUsed);
            pendingLastUsed.clear();
        }
        CountSink countSink = (pk, hour, code, n) -> sums.merge(new Slot(pk, hour, code), n, Long::sum);
        LastUsedSink usedSink = (pk, at) -> used.merge(pk, at, Math::max);
        for (UsageCounters key : source.get()) {
            if (key.dirty()) {
                key.drain(countSink, usedSink);
            }
        }
        synchronized (retired) {
            int now = flushes++;
            retired.entrySet().removeIf(e -> {
                e.getKey().drain(countSink, usedSink);
                return e.getValue() < now; // drained by two flushes: no request holds it any more
            });
        }
        List<Count> counts = new ArrayList<>(sums.size());
        sums.forEach((s, n) -> counts.add(new Count(s.keyPk(), s.hourEpochSecond(), s.code(), n)));
        return new Drained(counts, used);
    }

    /** Puts a drained batch back after a failed flush. */
    public void restore(Drained drained) {
        synchronized (pending) {
            pending.addAll(drained.counts());
            drained.lastUsed().forEach((k, v) -> pendingLastUsed.merge(k, v, Math::max));
        }
    }

    /** Counts of finished hours and failed flushes, and retired entries, waiting for a flush. */
    public long backlog() {
        synchronized (retired) {
            synchronized (pending) {
                return pending.size() + pendingLastUsed.size() + retired.size();
            }
        }
    }
}
