package dev.latchkey.limit.store;

import io.vertx.core.Future;

/**
 * The shared counters behind rate limits and quotas: Redis when {@code latchkey.redis.url} is set, else this replica's
 * memory. Both implementations have the same semantics (one contract test runs against both); every operation is atomic
 * on its counter.
 */
public interface LimitStore {

    /** Tokens taken from a rate-limit window: granted now, left in the window after them, time to the window's end. */
    record Lease(long granted, long remaining, long resetInMillis) {
    }

    /** What a quota spend found. */
    enum Status {
        SPENT, EXCEEDED, NOT_SEEDED
    }

    /**
     * A quota spend: the status, the units left after it, and the counter's instance (changes when it is re-seeded).
     */
    record Spend(Status status, long remaining, String instance) {
    }

    /** A quota counter as it stands: remaining units and the refill boundary last applied; null when absent. */
    record Counter(long remaining, long refillIndex) {
    }

    /**
     * Takes up to {@code want} tokens from the window of {@code counter}. A window starts at the first take after the
     * previous one ended and lasts {@code windowMillis}; at most {@code limit} are granted in it, all replicas
     * together.
     */
    Future<Lease> lease(String counter, long limit, long windowMillis, long want);

    /**
     * Spends {@code cost} units (0: only checks that one is left) unless fewer remain. First applies a refill when
     * {@code refillIndex} is past the counter's ({@code refillAmount} negative: no refill). NOT_SEEDED when the counter
     * does not exist (first use, expiry, or a Redis that lost its data): seed it from the database and spend again.
     */
    Future<Spend> spend(String counter, long cost, long refillIndex, long refillAmount);

    /**
     * Creates the counter from the database's values unless it exists. {@code flushed} is the database's flush counter
     * at the read; false when a flush newer than the read has been reported for this counter (the read is stale: read
     * again).
     */
    Future<Boolean> seed(String counter, long remaining, long refillIndex, long flushed);

    /**
     * Reports a flush: {@code units} spent on {@code instance} were written to the database, which made its flush
     * counter {@code flushedAfter}. If the counter was seeded since from an older read (another instance, seeded before
     * this flush), the units are subtracted from it too; if it does not exist, a later seed must not be older than the
     * flush.
     */
    Future<Void> reconcile(String counter, String instance, long units, long flushedAfter);

    /** The counter as it stands, or null when it does not exist. */
    Future<Counter> peek(String counter);
}
