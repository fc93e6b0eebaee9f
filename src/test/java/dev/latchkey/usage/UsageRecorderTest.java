package dev.latchkey.usage;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.latchkey.vocabulary.VerifyCode;

/** Usage counters lose nothing when requests race flushes and hour roll-overs. */
class UsageRecorderTest {

    static final class Key extends UsageCounters {
        Key(long id) {
            super(id);
        }
    }

    static final long HOUR = 3_600_000L;

    /** A recorder whose live counters are these keys (as the key cache registers its entries). */
    static UsageRecorder recorder(List<? extends UsageCounters> live) {
        UsageRecorder r = new UsageRecorder();
        r.source(() -> live);
        return r;
    }

    @Test
    void countsArePerKeyHourAndOutcome() {
        Key a = new Key(1);
        UsageRecorder r = recorder(List.of(a));
        long t = 1_000 * HOUR + 5;
        r.record(a, VerifyCode.VALID, t);
        r.record(a, VerifyCode.VALID, t + 2_000);
        r.record(a, VerifyCode.RATE_LIMITED, t + 3_000);
        r.record(a, VerifyCode.VALID, t + HOUR); // next hour
        UsageBatch d = r.drain();
        Map<String, Long> got = new HashMap<>();
        d.forEachCount((pk, hour, code, n) -> got.merge(pk + "@" + hour / 3600 + ":" + code, n, Long::sum));
        assertEquals(Map.of("1@1000:VALID", 2L, "1@1000:RATE_LIMITED", 1L, "1@1001:VALID", 1L), got);
        assertEquals(4, d.rows(), "three counts (one per key, hour and outcome) and one last use");
        assertEquals(Map.of(1L, t + HOUR), lastUsed(d));
        assertTrue(r.drain().isEmpty(), "drained means gone");
        assertEquals(0, r.backlog());
    }

    @Test
    void aFailedFlushIsPutBack() {
        Key a = new Key(1);
        UsageRecorder r = recorder(List.of(a));
        r.record(a, VerifyCode.VALID, 7 * HOUR);
        UsageBatch d = r.drain();
        r.restore(d);
        assertEquals(2, r.backlog(), "the count and the last use wait for the next flush");
        r.record(a, VerifyCode.VALID, 7 * HOUR + 10);
        UsageBatch again = r.drain();
        Map<Long, Long> sums = new HashMap<>();
        add(sums, again);
        assertEquals(Map.of(1L, 2L), sums, "the put-back count and the new one (summed by the flush's SQL)");
        assertEquals(Map.of(1L, 7 * HOUR + 10), lastUsed(again));
        assertEquals(0, r.backlog());
    }

    @Test
    void concurrentRecordsDrainsAndHourRollOversLoseNothing() throws Exception {
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(new Key(i + 1));
        }
        UsageRecorder r = recorder(keys);
        int threads = 4;
        int perThread = 200_000;
        VerifyCode[] codes = { VerifyCode.VALID, VerifyCode.VALID, VerifyCode.VALID,
                VerifyCode.INSUFFICIENT_PERMISSIONS };
        Map<Long, Long> drainedPerKey = new HashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        Thread flusher = new Thread(() -> {
            while (!done.get()) {
                add(drainedPerKey, r.drain());
            }
        });
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            writers.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long now = (10 + i / 20_000) * HOUR + i; // ten hour boundaries crossed while writing
                    r.record(keys.get((i + seed) % keys.size()), codes[i % codes.length], now);
                }
            }));
        }
        flusher.start();
        writers.forEach(Thread::start);
        start.countDown();
        for (Thread w : writers) {
            w.join();
        }
        done.set(true);
        flusher.join();
        add(drainedPerKey, r.drain());
        long total = drainedPerKey.values().stream().mapToLong(Long::longValue).sum();
        assertEquals((long) threads * perThread, total, "every recorded outcome was drained exactly once");
        for (Key k : keys) {
            assertEquals((long) threads * perThread / keys.size(), drainedPerKey.get(k.id()), "key " + k.id());
        }
        assertEquals(0, r.backlog());
    }

    @Test
    void anEntryThatLeftTheCacheWithCountsIsStillFlushedEvenIfUsedRightAfter() {
        List<Key> live = new ArrayList<>();
        Key old = new Key(5);
        live.add(old);
        UsageRecorder r = recorder(live);
        r.record(old, VerifyCode.VALID, 3 * HOUR);
        live.clear(); // replaced in the cache (a refresh) ...
        r.retire(old);
        Map<Long, Long> sums = new HashMap<>();
        add(sums, r.drain());
        r.record(old, VerifyCode.VALID, 3 * HOUR + 1); // ... by a request that still held the old entry
        add(sums, r.drain());
        add(sums, r.drain());
        assertEquals(Map.of(5L, 2L), sums);
        assertEquals(0, r.backlog(), "forgotten after two flushes");
        Key clean = new Key(6);
        r.retire(clean);
        assertEquals(0, r.backlog(), "an entry without counts is not kept");
    }

    /**
     * The case a whole-cache reload under load makes common (after a failover): an entry just flushed, so clean, leaves
     * the cache while a request holds it; the request's count is still flushed, once.
     */
    @Test
    void aCleanEntryThatLeftTheCacheKeepsTheCountOfARequestStillHoldingIt() {
        List<Key> live = new ArrayList<>();
        Key held = new Key(7);
        live.add(held);
        UsageRecorder r = recorder(live);
        r.record(held, VerifyCode.VALID, 3 * HOUR);
        Map<Long, Long> sums = new HashMap<>();
        add(sums, r.drain()); // flushed: clean
        live.clear();
        r.retire(held); // left the cache clean: nothing to keep yet
        assertEquals(0, r.backlog());
        r.record(held, VerifyCode.VALID, 3 * HOUR + 1); // a request that still held it
        assertEquals(1, r.backlog(), "the entry is kept for the count it got after leaving");
        add(sums, r.drain());
        add(sums, r.drain());
        add(sums, r.drain());
        assertEquals(Map.of(7L, 2L), sums);
        assertEquals(0, r.backlog());
    }

    /** Requests counting on entries while they leave the cache, racing flushes: every count is flushed once. */
    @Test
    void countsOnEntriesLeavingTheCacheUnderConcurrentRequestsAreNeverLost() throws Exception {
        int rounds = 2_000;
        List<Key> live = java.util.Collections.synchronizedList(new ArrayList<>());
        UsageRecorder r = recorder(live);
        java.util.concurrent.atomic.AtomicReference<Key> current = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Map<Long, Long> sums = new java.util.concurrent.ConcurrentHashMap<>();
        Key first = new Key(0);
        live.add(first);
        current.set(first);
        List<Thread> requests = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    r.record(current.get(), VerifyCode.VALID, 3 * HOUR);
                    counted.incrementAndGet();
                }
            });
            th.start();
            requests.add(th);
        }
        for (int i = 1; i <= rounds; i++) {
            Key next = new Key(i % 4); // entries come and go for the same four rows
            Key old = current.getAndSet(next);
            live.add(next);
            live.remove(old);
            r.retire(old);
            if (i % 7 == 0) {
                add(sums, r.drain());
            }
        }
        stop.set(true);
        for (Thread th : requests) {
            th.join();
        }
        live.clear();
        r.retire(current.get());
        for (int i = 0; i < 3; i++) {
            add(sums, r.drain());
        }
        assertEquals(counted.get(), sums.values().stream().mapToLong(Long::longValue).sum());
    }

    private static void add(Map<Long, Long> sums, UsageBatch d) {
        d.forEachCount((pk, hour, code, n) -> sums.merge(pk, n, Long::sum));
    }

    /** The latest use per key (the flush's SQL keeps the greatest). */
    private static Map<Long, Long> lastUsed(UsageBatch d) {
        Map<Long, Long> out = new HashMap<>();
        d.forEachLastUsed((pk, at) -> out.merge(pk, at, Math::max));
        return out;
    }
}
