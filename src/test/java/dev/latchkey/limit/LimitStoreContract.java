package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.vertx.core.Future;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.LimitStore.Status;
import dev.latchkey.support.Parallel;

/**
 * The semantics every counter store must have, run against the in-memory store and against a real Redis: windows never
 * grant more than the limit (with concurrent leasers), quotas are spent exactly (with concurrent spenders), refills
 * apply once per boundary and never lower a count, and the seed/reconcile protocol that keeps a quota exact across a
 * lost counter.
 */
abstract class LimitStoreContract {

    /** The store under test. */
    abstract LimitStore store();

    /** Ends the current window of a rate counter, as time passing would. */
    abstract void endWindow(String counter) throws Exception;

    /** Loses every counter, as a Redis restart does. */
    abstract void loseEverything() throws Exception;

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String counter() {
        return "lk:test:{" + UUID.randomUUID() + "}";
    }

    @Test
    void leasesGrantWhatIsLeftThenNothing() {
        String c = counter();
        LimitStore.Lease a = await(store().lease(c, 10, 60_000, 4));
        LimitStore.Lease b = await(store().lease(c, 10, 60_000, 4));
        LimitStore.Lease d = await(store().lease(c, 10, 60_000, 4));
        LimitStore.Lease e = await(store().lease(c, 10, 60_000, 4));
        assertEquals(List.of(4L, 4L, 2L, 0L), List.of(a.granted(), b.granted(), d.granted(), e.granted()));
        assertEquals(List.of(6L, 2L, 0L, 0L), List.of(a.remaining(), b.remaining(), d.remaining(), e.remaining()));
        assertTrue(a.resetInMillis() > 0 && a.resetInMillis() <= 60_000, "reset in " + a.resetInMillis());
        assertTrue(e.resetInMillis() <= a.resetInMillis(), "the window does not restart while it lasts");
    }

    @Test
    void aNewWindowStartsAfterTheLastEnds() throws Exception {
        String c = counter();
        assertEquals(3, await(store().lease(c, 3, 60_000, 5)).granted());
        assertEquals(0, await(store().lease(c, 3, 60_000, 1)).granted());
        endWindow(c);
        LimitStore.Lease next = await(store().lease(c, 3, 60_000, 1));
        assertEquals(1, next.granted());
        assertEquals(2, next.remaining());
    }

    @Test
    void concurrentLeasersNeverTakeMoreThanTheLimit() {
        String c = counter();
        AtomicLong granted = new AtomicLong();
        List<Integer> calls = IntStream.range(0, 2_000).boxed().toList();
        Parallel.forEach(16, calls,
                i -> granted.addAndGet(await(store().lease(c, 1_000, 60_000, 1 + i % 7)).granted()));
        assertEquals(1_000, granted.get(), "demand was 8,000 tokens: exactly the limit is granted");
    }

    @Test
    void aQuotaIsSeededOnceAndSpentExactlyByConcurrentCalls() {
        String c = counter();
        assertEquals(Status.NOT_SEEDED, await(store().spend(c, 1, 0, -1)).status());
        assertTrue(await(store().seed(c, 500, 0, 0)));
        assertTrue(await(store().seed(c, 9_999, 0, 0)), "an existing counter is kept");
        List<Status> outcomes = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(32, IntStream.range(0, 1_000).boxed().toList(),
                i -> outcomes.add(await(store().spend(c, 1, 0, -1)).status()));
        assertEquals(500, outcomes.stream().filter(s -> s == Status.SPENT).count());
        assertEquals(500, outcomes.stream().filter(s -> s == Status.EXCEEDED).count());
        assertEquals(new LimitStore.Counter(0, 0), await(store().peek(c)));
    }

    @Test
    void aCostAboveWhatIsLeftSpendsNothingAndZeroOnlyChecks() {
        String c = counter();
        await(store().seed(c, 5, 0, 0));
        LimitStore.Spend over = await(store().spend(c, 6, 0, -1));
        assertEquals(Status.EXCEEDED, over.status());
        assertEquals(5, over.remaining());
        assertEquals(Status.SPENT, await(store().spend(c, 0, 0, -1)).status());
        LimitStore.Spend all = await(store().spend(c, 5, 0, -1));
        assertEquals(Status.SPENT, all.status());
        assertEquals(0, all.remaining());
        assertEquals(Status.EXCEEDED, await(store().spend(c, 0, 0, -1)).status(), "check only, nothing left");
        assertNull(await(store().peek(counter())));
    }

    @Test
    void aRefillRaisesToTheAmountOncePerBoundaryAndNeverLowers() {
        String c = counter();
        await(store().seed(c, 3, 10, 0));
        assertEquals(2, await(store().spend(c, 1, 10, 100)).remaining());
        assertEquals(99, await(store().spend(c, 1, 11, 100)).remaining(), "boundary 11: raised to 100, then spent");
        assertEquals(98, await(store().spend(c, 1, 11, 100)).remaining(), "applied once per boundary");
        assertEquals(97, await(store().spend(c, 1, 10, 100)).remaining(), "an older index changes nothing");
        String big = counter();
        await(store().seed(big, 500, 10, 0));
        assertEquals(499, await(store().spend(big, 1, 11, 100)).remaining(), "never lowered");
    }

    @Test
    void unitsFlushedAfterARestartAreSubtractedFromTheNewCounterOnce() throws Exception {
        String c = counter();
        await(store().seed(c, 100, 0, 0));
        LimitStore.Spend s = await(store().spend(c, 30, 0, -1)); // spent on the first instance, not yet flushed
        assertEquals(70, s.remaining());
        loseEverything();
        // re-seeded from the database, which does not have the 30 units yet (flushed counter 0)
        assertTrue(await(store().seed(c, 100, 0, 0)));
        LimitStore.Spend after = await(store().spend(c, 1, 0, -1));
        assertNotEquals(s.instance(), after.instance(), "a new instance");
        assertEquals(99, after.remaining());
        // the replica now writes its 30 units (database flushed counter 0 -> 30) and reports it
        await(store().reconcile(c, s.instance(), 30, 30));
        assertEquals(69, await(store().peek(c)).remaining(), "the 30 units are not granted a second time");
        // units of the current instance, or a flush the seed already included, change nothing
        await(store().reconcile(c, after.instance(), 1, 31));
        assertEquals(69, await(store().peek(c)).remaining());
    }

    @Test
    void aSeedOlderThanAReportedFlushIsRefused() throws Exception {
        String c = counter();
        await(store().seed(c, 100, 0, 0));
        LimitStore.Spend s = await(store().spend(c, 10, 0, -1));
        loseEverything();
        // the flush (counter 0 -> 10) is reported while the counter is absent
        await(store().reconcile(c, s.instance(), 10, 10));
        assertFalse(await(store().seed(c, 100, 0, 0)), "a read from before the flush is stale");
        assertEquals(Status.NOT_SEEDED, await(store().spend(c, 1, 0, -1)).status());
        assertTrue(await(store().seed(c, 90, 0, 10)), "a read that includes it is taken");
        assertEquals(89, await(store().spend(c, 1, 0, -1)).remaining());
    }
}
