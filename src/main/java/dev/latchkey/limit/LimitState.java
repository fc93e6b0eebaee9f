package dev.latchkey.limit;

import java.util.ArrayDeque;

import io.vertx.core.Promise;

/**
 * One rate-limited key's tokens on this replica: a lease taken from the shared window, the window's end by this
 * replica's clock, and the calls waiting while a lease is being taken. Created with the cached key (so a change to the
 * key, which replaces the entry, starts a fresh lease); guarded by its own monitor. See {@link RateLimiter}.
 */
public final class LimitState {

    long available;
    /** When the leased tokens stop being valid: the window's end, measured from before the request was sent. */
    long deadline;
    /** Left in the shared window after the last lease (as the store said then). */
    long sharedRemaining;
    /** The shared window had nothing left: deny until {@link #deadline} without asking again. */
    boolean exhausted;
    /** The lease came from the per-replica fallback (Redis was unreachable). */
    boolean fallback;
    boolean leasing;
    final ArrayDeque<Promise<RateLimiter.Probe>> waiters = new ArrayDeque<>(2);
}
