package dev.latchkey.usage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.vocabulary.VerifyCode;

/**
 * One key's verify outcomes in the current hour and its last successful use, kept on the cached key itself so that the
 * hot path does no map lookup and allocates nothing (a queue node per used key, surviving until the flush, made young
 * collections at a million keys several times longer). The flusher walks the cached keys and skips those whose dirty
 * flag is clear; an entry that leaves the cache with counts is handed to the {@link UsageRecorder} as retired.
 * <p>
 * Why no count is lost: a record increments first and sets the dirty flag after; a drain clears the flag first and
 * takes the counts after. An increment either lands before the take (and is taken) or after it, when it sets the flag
 * again and is found by the next flush. At an hour boundary a request racing the roll-over may be counted in the
 * adjacent hour; it is never dropped. An entry that leaves the cache while a request still holds it is marked first and
 * its flag read after; the request counts, sets the flag and reads the mark after: one of the two hands the entry to
 * the recorder's retired list (a cache reloaded whole under load, as after a failover, retires every entry at once).
 */
// fields registered for reflection: the VarHandles below are looked up by field name (native images)
@RegisterForReflection(fields = true, methods = false)
public abstract class UsageCounters {

    private static final int CODES = VerifyCode.values().length;
    private static final int VALID = VerifyCode.VALID.ordinal();
    private static final VarHandle VALID_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            VALID_COUNT = l.findVarHandle(UsageCounters.class, "valid", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The key's row id. */
    private final long keyPk;
    /** Hours since the epoch that the counts belong to (0 before the first use). */
    private volatile int hour;
    private volatile long valid;
    /** Other outcomes, created on the first denial: most keys are only ever VALID. */
    private volatile AtomicLongArray others;
    private volatile long lastUsedMillis;
    private volatile boolean dirty;
    /** Set when the entry leaves the cache: a request still holding it hands it to the recorder after counting. */
    private volatile boolean retired;

    protected UsageCounters(long keyPk) {
        this.keyPk = keyPk;
    }

    /** The key's row id. */
    public long id() {
        return keyPk;
    }

    /** When the key last verified as VALID (to the second; 0 if not since it was cached). */
    public final long lastUsedMillis() {
        return lastUsedMillis;
    }

    /** Whether counts are waiting for a flush. */
    public final boolean dirty() {
        return dirty;
    }

    /** Counts one outcome; a VALID one also marks the key used (to the second). */
    final void record(VerifyCode code, long nowMillis, UsageRecorder recorder) {
        int h = (int) (nowMillis / 3_600_000L);
        if (h != hour) {
            rollOver(h, recorder);
        }
        if (code.ordinal() == VALID) {
            VALID_COUNT.getAndAdd(this, 1L);
            if (nowMillis - lastUsedMillis >= 1_000) {
                lastUsedMillis = nowMillis;
            }
        } else {
            others().incrementAndGet(code.ordinal());
        }
        if (!dirty) {
            dirty = true; // after the increment: see the class comment
        }
        if (retired) {
            recorder.retire(this); // it left the cache while this request held it: see the class comment
        }
    }

    /**
     * Marks the entry as out of the cache; true when it has counts to flush. Written before the dirty flag is read, as
     * a record writes the flag before reading this mark: of an entry retiring clean and a request counting on it at
     * that moment, at least one sees the other (both fields are volatile), so the count reaches the retired list.
     */
    final boolean retire() {
        retired = true;
        return dirty;
    }

    private AtomicLongArray others() {
        AtomicLongArray o = others;
        if (o == null) {
            synchronized (this) {
                o = others;
                if (o == null) {
                    o = new AtomicLongArray(CODES);
                    others = o;
                }
            }
        }
        return o;
    }

    private synchronized void rollOver(int h, UsageRecorder recorder) {
        if (h == hour) {
            return;
        }
        if (hour != 0) {
            takeCounts(recorder::addCount);
        }
        hour = h;
    }

    /** Clears the dirty flag, then hands over the counts and the last use. */
    final synchronized void drain(UsageRecorder.CountSink counts, UsageRecorder.LastUsedSink used) {
        dirty = false;
        takeCounts(counts);
        long last = lastUsedMillis;
        if (last != 0) {
            lastUsedMillis = 0;
            used.accept(keyPk, last);
        }
    }

    private void takeCounts(UsageRecorder.CountSink sink) {
        long hourEpochSecond = hour * 3_600L;
        long v = (long) VALID_COUNT.getAndSet(this, 0L);
        if (v > 0) {
            sink.accept(keyPk, hourEpochSecond, VerifyCode.VALID, v);
        }
        AtomicLongArray o = others;
        if (o != null) {
            for (int i = 0; i < CODES; i++) {
                long n = o.getAndSet(i, 0);
                if (n > 0) {
                    sink.accept(keyPk, hourEpochSecond, VerifyCode.values()[i], n);
                }
            }
        }
    }
}
