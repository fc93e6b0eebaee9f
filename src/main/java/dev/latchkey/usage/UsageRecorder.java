package dev.latchkey.usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import dev.latchkey.verify.VerifyCode;

/**
 * Counts verify outcomes per key and hour, and the last successful use of each key, in memory: the hot path increments
 * counters on the cached key ({@link UsageCounters}) and queues the key the first time after each flush. No map per
 * key: {@link UsageFlusher} drains the queue in batches; what a failed flush drained is put back, so nothing is lost
 * while the database is away.
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

    private final ConcurrentLinkedQueue<UsageCounters> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Counts of finished hours and of failed flushes, waiting for the next flush. */
    private final List<Count> pending = new ArrayList<>();
    private final Map<Long, Long> pendingLastUsed = new HashMap<>();

    /** Counts one outcome for a key. */
    public void record(UsageCounters key, VerifyCode code, long nowMillis) {
        key.record(code, nowMillis, this);
    }

    void enqueue(UsageCounters key) {
        queued.incrementAndGet();
        dirty.add(key);
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
        UsageCounters key;
        while ((key = dirty.poll()) != null) {
            queued.decrementAndGet();
            key.drain((pk, hour, code, n) -> sums.merge(new Slot(pk, hour, code), n, Long::sum),
                    (pk, at) -> used.merge(pk, at, Math::max));
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

    /** Keys and batches waiting for a flush. */
    public long backlog() {
        synchronized (pending) {
            return queued.get() + pending.size() + pendingLastUsed.size();
        }
    }
}
