package dev.latchkey.usage;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import dev.latchkey.vocabulary.VerifyCode;

/**
 * Counts verify outcomes per key and hour, and the last successful use of each key, in memory: the hot path increments
 * counters on the cached key ({@link UsageCounters}); no map, no allocation. {@link UsageFlusher} drains the cached
 * keys that have counts (the key cache registers itself as the {@link #source}) and the entries that left the cache
 * with counts ({@link #retire}); what a failed flush drained is put back, so nothing is lost while the database is
 * away.
 */
@Singleton
public class UsageRecorder {

    /** Receives counts. */
    @FunctionalInterface
    public interface CountSink {
        void accept(long keyPk, long hourEpochSecond, VerifyCode code, long n);
    }

    /** Receives last uses. */
    @FunctionalInterface
    public interface LastUsedSink {
        void accept(long keyPk, long atMillis);
    }

    /** Where the live counters are (the key cache's entries). */
    private volatile Supplier<Iterable<? extends UsageCounters>> source = List::of;
    /**
     * Entries that left the cache with counts, with the flush number they were retired at. A request may still hold a
     * retired entry for a moment, so it is drained by two flushes before it is forgotten.
     */
    private final Map<UsageCounters, Integer> retired = new IdentityHashMap<>();
    private int flushes;
    /** Counts of finished hours and what failed flushes put back, waiting for the next flush. */
    private final UsageBatch pending = new UsageBatch();

    /** Counts one outcome for a key. */
    public void record(UsageCounters key, VerifyCode code, long nowMillis) {
        key.record(code, nowMillis, this);
    }

    /** Registers where the live counters are. */
    public void source(Supplier<Iterable<? extends UsageCounters>> counters) {
        this.source = counters;
    }

    /**
     * An entry left the cache (replaced, evicted): its counts are still flushed, also those a request still holding it
     * adds afterwards (see {@link UsageCounters}).
     */
    public void retire(UsageCounters key) {
        if (key.retire()) {
            synchronized (retired) {
                retired.putIfAbsent(key, flushes);
            }
        }
    }

    void addCount(long keyPk, long hourEpochSecond, VerifyCode code, long n) {
        synchronized (pending) {
            pending.addCount(keyPk, hourEpochSecond, code, n);
        }
    }

    /** Takes out everything counted so far (not summed: see {@link UsageBatch}). */
    public UsageBatch drain() {
        UsageBatch out = new UsageBatch();
        synchronized (pending) {
            out.addAll(pending);
            pending.clear();
        }
        CountSink countSink = out::addCount;
        LastUsedSink usedSink = out::addLastUsed;
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
        return out;
    }

    /** Puts a drained batch back after a failed flush. */
    public void restore(UsageBatch drained) {
        synchronized (pending) {
            pending.addAll(drained);
        }
    }

    /** Counts of finished hours and failed flushes, and retired entries, waiting for a flush. */
    public long backlog() {
        synchronized (retired) {
            synchronized (pending) {
                return pending.rows() + retired.size();
            }
        }
    }
}
