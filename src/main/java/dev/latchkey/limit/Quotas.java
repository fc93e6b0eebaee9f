package dev.latchkey.limit;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.limit.store.LimitStore;

/**
 * Usage quotas (README, "Rate limits and quotas"): every verification spends {@code cost} units from one counter shared
 * by all replicas (one Redis script per call, no local batching: "exactly N calls answer VALID" leaves no room for
 * tokens parked on another replica). The durable value lives in PostgreSQL.
 * <p>
 * <b>Durability.</b> A counter is seeded from the database on first use (and after Redis lost it); each replica
 * remembers the units it spent, per counter instance, and writes them to the database every
 * {@code quota-flush-interval}, which also advances the row's {@code flushed} counter. After the write it reports the
 * flush to the store ({@link LimitStore#reconcile}): if the counter was re-seeded in between from a read that did not
 * include the flush, the units are subtracted there too; if the counter is absent, a seed older than the flush is
 * refused and read again. So across a Redis restart no unit is granted twice and none is forgotten, as long as the
 * replicas that spent them run on. The bound: units spent on a replica within its last flush interval before it died
 * without flushing (kill -9) stay spent in Redis but never reach the database; they can be granted once more only if
 * Redis later loses its data too.
 * <p>
 * Refills happen where the counter is: the spend script raises the counter at the first call after a boundary (index
 * compared, so applying it twice changes nothing), and each flush applies the same boundary to the database row.
 */
@Singleton
public class Quotas {

    private static final Logger LOG = Logger.getLogger(Quotas.class);

    /** A spend's outcome; {@code refillAt} null without refill. */
    public record Result(boolean allowed, boolean unavailable, long remaining, Long refillAt) {
        static final Result UNAVAILABLE = new Result(false, true, 0, null);
    }

    /** A quota as the management API shows it. */
    public record Live(long remaining, Long refillAt) {
    }

    /** Units spent and not yet written, keyed by everything the write needs. */
    private record Pending(long keyPk, String counter, int generation, String instance, long refillIndex,
            long refillAmount) {
    }

    private record Report(String counter, String instance, long units, long flushed) {
    }

    private final LimitStores stores;
    private final QuotaRepository repository;
    private final Clock clock;
    private final Vertx vertx;
    private final long redisTimeoutMillis;
    private final ConcurrentHashMap<Pending, Long> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Report> unreported = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, Future<Boolean>> seeding = new ConcurrentHashMap<>();
    private final long flushTimer;
    private final Event<QuotaFlushed> flushedEvents;

    public Quotas(LimitStores stores, QuotaRepository repository, Clock clock, Vertx vertx, LatchkeyConfig config,
            Event<QuotaFlushed> flushedEvents) {
        this.stores = stores;
        this.flushedEvents = flushedEvents;
        this.repository = repository;
        this.clock = clock;
        this.vertx = vertx;
        this.redisTimeoutMillis = config.redis().timeout().toMillis();
        this.flushTimer = vertx.setPeriodic(config.limits().quotaFlushInterval().toMillis(),
                t -> vertx.executeBlocking(() -> {
                    flush();
                    return null;
                }, true));
    }

    /** Spends {@code cost} units of a key's quota (0: checks that one is left). */
    public Future<Result> spend(long keyPk, String keyId, QuotaSpec spec, long cost) {
        if (!stores.sharedUp()) {
            return Future.succeededFuture(Result.UNAVAILABLE);
        }
        long now = clock.millis();
        String counter = spec.counter(keyId);
        long index = spec.refillIndex(now);
        return spendSeeding(keyPk, counter, spec, cost, index).map(s -> {
            if (s.status() == LimitStore.Status.NOT_SEEDED) {
                return Result.UNAVAILABLE;
            }
            Long refillAt = spec.refillAt(now);
            if (s.status() == LimitStore.Status.EXCEEDED) {
                return new Result(false, false, Math.max(0, s.remaining()), refillAt);
            }
            if (cost > 0) {
                pending.merge(new Pending(keyPk, counter, spec.generation(), s.instance(), index, spec.refillAmount()),
                        cost, Long::sum);
            }
            return new Result(true, false, Math.max(0, s.remaining()), refillAt);
        }).otherwise(Result.UNAVAILABLE);
    }

    /** Spends; a counter that does not exist yet is seeded from the database first, then spent from. */
    private Future<LimitStore.Spend> spendSeeding(long keyPk, String counter, QuotaSpec spec, long cost, long index) {
        LimitStore store = stores.primary();
        return store.spend(counter, cost, index, spec.refillAmount()).compose(
                s -> s.status() != LimitStore.Status.NOT_SEEDED ? Future.succeededFuture(s) : seed(keyPk, counter, spec)
                        .compose(seeded -> store.spend(counter, cost, index, spec.refillAmount())));
    }

    /** Seeds the counter from the database, once per replica at a time; fails when it cannot. */
    private Future<Boolean> seed(long keyPk, String counter, QuotaSpec spec) {
        // no callback inside a map update: a seed that completes at once would remove itself re-entrantly
        Promise<Boolean> mine = Promise.promise();
        Future<Boolean> running = seeding.putIfAbsent(counter, mine.future());
        if (running != null) {
            return running;
        }
        seedFromDatabase(keyPk, counter, spec, 3).onComplete(ar -> {
            seeding.remove(counter, mine.future());
            mine.handle(ar);
        });
        return mine.future();
    }

    private Future<Boolean> seedFromDatabase(long keyPk, String counter, QuotaSpec spec, int tries) {
        return vertx.executeBlocking(() -> repository.read(keyPk), false).compose(row -> {
            if (row == null || row.generation() != spec.generation()) {
                // the quota was changed and this replica has not seen the change yet: no answer from stale settings
                return Future.failedFuture(new IllegalStateException("quota changed"));
            }
            return stores.primary().seed(counter, row.remaining(), row.refillIndex(), row.flushed())
                    .compose(ok -> ok ? Future.succeededFuture(true)
                            : tries > 1 ? seedFromDatabase(keyPk, counter, spec, tries - 1)
                                    : Future.failedFuture(new IllegalStateException("seed kept being stale")));
        });
    }

    /** The quota as it stands now, for the management API (blocking; the store if it has it, else the database). */
    public Live read(long keyPk, String keyId, QuotaSpec spec) {
        long now = clock.millis();
        LimitStore.Counter c = null;
        if (stores.sharedUp()) {
            try {
                c = stores.primary().peek(spec.counter(keyId)).toCompletionStage().toCompletableFuture()
                        .get(redisTimeoutMillis * 2, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debugf("quota peek failed: %s", e.getMessage());
            }
        }
        long remaining;
        if (c != null) {
            remaining = spec.withRefill(c.remaining(), c.refillIndex(), now);
        } else {
            try {
                QuotaRepository.Row row = repository.read(keyPk);
                remaining = row == null ? 0 : spec.withRefill(row.remaining(), row.refillIndex(), now);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Live(Math.max(0, remaining), spec.refillAt(now));
    }

    /** Writes the units spent here to the database and reports each write to the store. */
    synchronized void flush() {
        retryReports();
        List<Map.Entry<Pending, Long>> taken = new ArrayList<>();
        for (Pending p : pending.keySet()) {
            Long units = pending.remove(p);
            if (units != null) {
                taken.add(Map.entry(p, units));
            }
        }
        for (int i = 0; i < taken.size(); i++) {
            Pending p = taken.get(i).getKey();
            long units = taken.get(i).getValue();
            QuotaRepository.Flushed flushed;
            try {
                flushed = repository.flush(p.keyPk(), p.generation(), p.refillIndex(), p.refillAmount(), units);
            } catch (SQLException | RuntimeException e) {
                // the database is down: keep every unwritten count for the next round
                for (int j = i; j < taken.size(); j++) {
                    pending.merge(taken.get(j).getKey(), taken.get(j).getValue(), Long::sum);
                }
                LOG.debugf("quota flush failed, %d counters kept: %s", taken.size() - i, e.getMessage());
                return;
            }
            if (flushed != null) {
                report(new Report(p.counter(), p.instance(), units, flushed.flushed()));
                announce(new QuotaFlushed(p.keyPk(), p.generation(), p.refillIndex(), flushed.remaining(),
                        flushed.size()));
            }
        }
    }

    /** Tells the observers (the events outbox: quota.low, quota.exhausted) what a flush left; never fails the flush. */
    private void announce(QuotaFlushed f) {
        try {
            flushedEvents.fire(f);
        } catch (RuntimeException e) {
            LOG.debugf("quota event deferred: %s", e.getMessage());
        }
    }

    private void report(Report r) {
        stores.primary().reconcile(r.counter(), r.instance(), r.units(), r.flushed()).onFailure(e -> unreported.add(r));
    }

    private void retryReports() {
        List<Report> again = new ArrayList<>();
        for (Report r; (r = unreported.poll()) != null;) {
            again.add(r);
        }
        again.forEach(this::report);
    }

    /** Units spent here and not yet written (metric). */
    public long backlog() {
        return pending.values().stream().mapToLong(Long::longValue).sum();
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(flushTimer);
        flush();
    }
}
