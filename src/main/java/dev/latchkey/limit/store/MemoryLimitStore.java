package dev.latchkey.limit.store;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Future;

/**
 * The counters in this replica's memory: the embedded default for a single replica, and the rate-limit fallback while
 * Redis is unreachable. Windows follow the injected {@link Clock}. Each operation runs under its counter's lock
 * (ConcurrentHashMap#compute), the in-memory equivalent of a Redis script.
 */
public final class MemoryLimitStore implements LimitStore {

    private static final class Window {
        long used;
        long endsAt;
    }

    private static final class Quota {
        long remaining;
        long refillIndex;
        long flushed;
        String instance;
        long newestFlush;
        boolean seeded;
    }

    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final Clock clock;
    private volatile long lastSweep;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Quota> quotas = new ConcurrentHashMap<>();

    public MemoryLimitStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Future<Lease> lease(String counter, long limit, long windowMillis, long want) {
        long now = clock.millis();
        Lease[] out = new Lease[1];
        windows.compute(counter, (k, w) -> {
            if (w == null || now >= w.endsAt) {
                w = new Window();
                w.endsAt = now + windowMillis;
            }
            long granted = Math.max(0, Math.min(want, limit - w.used));
            w.used += granted;
            out[0] = new Lease(granted, limit - w.used, w.endsAt - now);
            return w;
        });
        if (now - lastSweep >= SWEEP_EVERY_MILLIS) { // ended windows of keys not used since: at most once a minute
            lastSweep = now;
            windows.values().removeIf(w -> now >= w.endsAt);
        }
        return Future.succeededFuture(out[0]);
    }

    @Override
    public Future<Spend> spend(String counter, long cost, long refillIndex, long refillAmount) {
        Spend[] out = new Spend[1];
        quotas.compute(counter, (k, q) -> {
            if (q == null || !q.seeded) {
                out[0] = new Spend(Status.NOT_SEEDED, 0, null);
                return q;
            }
            if (refillAmount >= 0 && refillIndex > q.refillIndex) {
                q.remaining = Math.max(q.remaining, refillAmount);
                q.refillIndex = refillIndex;
            }
            if (q.remaining <= 0 || q.remaining < cost) {
                out[0] = new Spend(Status.EXCEEDED, q.remaining, q.instance);
            } else {
                q.remaining -= cost;
                out[0] = new Spend(Status.SPENT, q.remaining, q.instance);
            }
            return q;
        });
        return Future.succeededFuture(out[0]);
    }

    @Override
    public Future<Boolean> seed(String counter, long remaining, long refillIndex, long flushed) {
        boolean[] out = new boolean[1];
        quotas.compute(counter, (k, q) -> {
            if (q != null && q.seeded) {
                out[0] = true;
                return q;
            }
            if (q != null && q.newestFlush > flushed) {
                out[0] = false;
                return q;
            }
            Quota n = new Quota();
            n.remaining = remaining;
            n.refillIndex = refillIndex;
            n.flushed = flushed;
            n.instance = UUID.randomUUID().toString();
            n.seeded = true;
            out[0] = true;
            return n;
        });
        return Future.succeededFuture(out[0]);
    }

    @Override
    public Future<Void> reconcile(String counter, String instance, long units, long flushedAfter) {
        quotas.compute(counter, (k, q) -> {
            if (q == null || !q.seeded) {
                Quota n = q == null ? new Quota() : q;
                n.newestFlush = Math.max(n.newestFlush, flushedAfter);
                return n;
            }
            if (!q.instance.equals(instance) && q.flushed < flushedAfter) {
                q.remaining -= units;
            }
            return q;
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<Counter> peek(String counter) {
        Counter[] out = new Counter[1];
        quotas.computeIfPresent(counter, (k, q) -> {
            if (q.seeded) {
                out[0] = new Counter(q.remaining, q.refillIndex);
            }
            return q;
        });
        return Future.succeededFuture(out[0]);
    }

    /** Forgets every quota counter (tests: what a Redis restart does to the shared store). */
    public void forgetQuotas() {
        quotas.clear();
    }
}
