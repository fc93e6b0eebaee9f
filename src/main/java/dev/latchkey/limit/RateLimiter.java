package dev.latchkey.limit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import dev.latchkey.limit.store.LimitStore;

/**
 * Rate limits that hold across replicas (README, "Rate limits and quotas"): {@code limit} calls per window of
 * {@code windowSeconds}, one budget for the key on all replicas, counted in the shared store (Redis) with a local fast
 * path.
 * <p>
 * <b>Leasing.</b> A replica takes tokens from the shared window in batches of at most
 * {@code max(1, floor(limit × lease-fraction))} and spends them locally without a round trip; a call that finds no
 * local token waits for one lease (one in flight per key per replica) and is denied only when the shared window has
 * nothing left. Why the two guarantees hold:
 * <ul>
 * <li><i>Never more than {@code limit} in a window.</i> The store grants at most {@code limit - used} tokens per
 * window, atomically (one Lua script on one key), so all replicas' leases together never exceed {@code limit}; a lease
 * is used only until the window's end as measured from <i>before</i> the request was sent (the store says how long the
 * window has left), so a replica never spends a token of a window that has already ended on the store's clock.</li>
 * <li><i>Nothing refused while fewer than 95 % were admitted.</i> A call is refused only after the store granted
 * nothing, i.e. all {@code limit} tokens are leased. Tokens leased and not yet used sit at most one lease per replica,
 * each at most {@code limit × lease-fraction}; so with N replicas at least {@code limit × (1 - N × lease-fraction)}
 * calls were admitted: ≥ 95 % for N ≤ 5 with the default 0.01 (set the fraction to 0.05 / N for more replicas). Limits
 * below {@code 1 / lease-fraction} lease one token at a time and are exact.</li>
 * </ul>
 * Redis unreachable: leases come from this replica's memory instead (per-replica windows, so N replicas may admit up to
 * N × limit); a fallback lease is dropped as soon as Redis is back.
 */
@Singleton
public class RateLimiter {

    /** The outcome of taking one token. */
    public record Probe(boolean allowed, long limit, long remaining, long resetAtEpochSecond, long retryAfterSeconds) {
    }

    private final LimitStores stores;
    private final Clock clock;
    private final double leaseFraction;

    public RateLimiter(LimitStores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
        this.leaseFraction = stores.leaseFraction();
    }

    /** Takes one token for the key; completes at once when a leased token (or a known-empty window) decides it. */
    public Future<Probe> take(String keyId, LimitState st, int limit, int windowSeconds) {
        long now = clock.millis();
        Promise<Probe> wait;
        synchronized (st) {
            if (now >= st.deadline || (st.fallback && stores.sharedUp())) {
                st.available = 0;
                st.exhausted = false;
            }
            if (st.available > 0) {
                st.available--;
                return Future.succeededFuture(allowed(st, limit, now));
            }
            if (st.exhausted) {
                return Future.succeededFuture(denied(st, limit, now));
            }
            wait = Promise.promise();
            st.waiters.add(wait);
            if (st.leasing) {
                return wait.future();
            }
            st.leasing = true;
        }
        lease(keyId, st, limit, windowSeconds);
        return wait.future();
    }

    private void lease(String keyId, LimitState st, int limit, int windowSeconds) {
        long want = Math.max(1, (long) Math.floor(limit * leaseFraction)); // a whole batch: the next calls need none
        String counter = "lk:rl:{" + keyId + "}:" + limit + ":" + windowSeconds;
        long windowMillis = windowSeconds * 1000L;
        long sentAt = clock.millis();
        Runnable alone = () -> stores.fallback().lease(counter, limit, windowMillis, want)
                .onSuccess(l -> leased(keyId, st, limit, windowSeconds, sentAt, l, true));
        if (!stores.sharedUp()) {
            alone.run();
            return;
        }
        stores.primary().lease(counter, limit, windowMillis, want).onComplete(ar -> {
            if (ar.succeeded()) {
                leased(keyId, st, limit, windowSeconds, sentAt, ar.result(), false);
            } else {
                alone.run(); // the shared store failed just now: this replica's own window decides
            }
        });
    }

    private void leased(String keyId, LimitState st, int limit, int windowSeconds, long sentAt, LimitStore.Lease l,
            boolean fallback) {
        List<Promise<Probe>> waiting = new ArrayList<>();
        List<Probe> answers = new ArrayList<>();
        boolean again;
        long now = clock.millis();
        synchronized (st) {
            st.available += l.granted();
            st.sharedRemaining = l.remaining();
            st.deadline = sentAt + l.resetInMillis();
            st.exhausted = l.granted() == 0;
            st.fallback = fallback;
            while (!st.waiters.isEmpty() && (st.available > 0 || st.exhausted)) {
                waiting.add(st.waiters.poll());
                if (st.available > 0) {
                    st.available--;
                    answers.add(allowed(st, limit, now));
                } else {
                    answers.add(denied(st, limit, now));
                }
            }
            again = !st.waiters.isEmpty();
            st.leasing = again;
        }
        // completed outside the monitor: completion runs the callers' continuations
        for (int i = 0; i < waiting.size(); i++) {
            waiting.get(i).complete(answers.get(i));
        }
        if (again) {
            lease(keyId, st, limit, windowSeconds);
        }
    }

    private static Probe allowed(LimitState st, long limit, long now) {
        long remaining = Math.max(0, st.available + st.sharedRemaining);
        return new Probe(true, limit, remaining, resetAt(st, now), retryAfter(st, now));
    }

    private static Probe denied(LimitState st, long limit, long now) {
        return new Probe(false, limit, 0, resetAt(st, now), retryAfter(st, now));
    }

    private static long resetAt(LimitState st, long now) {
        return (Math.max(now, st.deadline) + 999) / 1000;
    }

    private static long retryAfter(LimitState st, long now) {
        return Math.max(1, (st.deadline - now + 999) / 1000);
    }
}
