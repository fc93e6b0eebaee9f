package dev.latchkey.webhook.delivery;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.db.Db;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.security.Caller;
import dev.latchkey.webhook.Endpoints.Endpoint;
import dev.latchkey.webhook.SigningSecrets;
import dev.latchkey.webhook.UrlPolicy;

/**
 * Delivers the outbox (README, "Webhooks"): each replica claims due deliveries ({@link Deliveries#claim}: one replica
 * per delivery while it lives), signs each per Standard Webhooks with the endpoint's secret (and the previous one
 * during a rotation's overlap), sends it to the address the URL policy allows at that moment, and records the outcome:
 * 2xx is delivered; anything else is tried again on the {@link Backoff} schedule until it has been retried for
 * {@code retry-for}, and then the delivery has failed, the endpoint is marked failing and {@code webhook.failing} is
 * audited. Its own threads, {@code concurrency} of them, do the work, so a slow or dead receiver holds at most those
 * and never a management request or the hot path. Looks every {@code poll-interval}, and at once after this replica
 * committed new deliveries.
 */
@Singleton
public class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);

    private final Deliveries deliveries;
    private final SigningSecrets secrets;
    private final UrlPolicy urls;
    private final Sender sender;
    private final AuditLog audit;
    private final Db db;
    private final Clock clock;
    private final Backoff backoff;
    private final long leaseMillis;
    private final int concurrency;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final ExecutorService poller = Executors.newSingleThreadExecutor(r -> daemon(r, "webhook-claims"));
    private final java.util.concurrent.ScheduledExecutorService later = Executors
            .newSingleThreadScheduledExecutor(r -> daemon(r, "webhook-pace"));
    private final int maxRate;
    private final int claimAtLeast;
    /** Deliveries this replica may still start now under {@code max-rate}; only the claim thread touches it. */
    private double allowance;
    private long allowanceAt = System.nanoTime();
    /** Deliveries answered 2xx and not yet recorded: written together, before each claim and every 100 ms. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Deliveries.Delivered> answered = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;

    public Deliverer(Deliveries deliveries, SigningSecrets secrets, UrlPolicy urls, Sender sender, AuditLog audit,
            Db db, Clock clock, LatchkeyConfig config, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.urls = urls;
        this.sender = sender;
        this.audit = audit;
        this.db = db;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.backoff = new Backoff(config.webhooks().retryFor(), random::nextDouble);
        this.leaseMillis = config.webhooks().lease().toMillis();
        this.concurrency = config.webhooks().concurrency();
        this.slots = new Semaphore(concurrency);
        this.maxRate = config.webhooks().maxRate();
        this.allowance = maxRate > 0 ? Math.min(maxRate, concurrency) : 0;
        // a finished delivery claims again only once a quarter of the slots are free: claims in batches, not one by one
        this.claimAtLeast = Math.max(1, concurrency / 4);
        later.scheduleWithFixedDelay(this::recordAnswered, 100, 100, TimeUnit.MILLISECONDS);
        this.workers = Executors.newFixedThreadPool(concurrency, r -> daemon(r, "webhook-delivery"));
        String name = "latchkey.webhook.deliveries";
        this.delivered = Counter.builder(name).tag("outcome", "delivered")
                .description("Webhook delivery attempts by outcome").register(registry);
        this.retried = Counter.builder(name).tag("outcome", "retry").register(registry);
        this.failed = Counter.builder(name).tag("outcome", "failed").register(registry);
        io.micrometer.core.instrument.Gauge
                .builder("latchkey.webhook.deliveries.in.flight", slots,
                        s -> concurrency - s.availablePermits() + answered.size())
                .description("Webhook deliveries this replica claimed and has not recorded yet").register(registry);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        poller.shutdownNow();
        later.shutdownNow();
        recordAnswered();
        workers.shutdownNow();
    }

    @Scheduled(every = "${latchkey.webhooks.poll-interval:1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        wake();
    }

    /** New deliveries committed here: look now rather than at the next poll. */
    void onDue(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeliveriesDue due) {
        wake();
    }

    /** Starts a claim round unless one runs; a round asked for meanwhile runs right after. */
    public void wake() {
        if (stopped) {
            return;
        }
        again.set(true);
        if (polling.compareAndSet(false, true)) {
            poller.execute(this::claimRounds);
        }
    }

    private void claimRounds() {
        try {
            while (!stopped && again.getAndSet(false)) {
                recordAnswered();
                int free = Math.min(slots.availablePermits(), paced());
                if (free == 0) {
                    continue; // a finishing delivery, or the pace, wakes us again
                }
                Instant now = clock.instant();
                List<Deliveries.Claimed> claimed = deliveries.claim(now, now.plusMillis(leaseMillis), free);
                allowance -= claimed.size();
                for (Deliveries.Claimed c : claimed) {
                    slots.acquireUninterruptibly();
                    workers.execute(() -> {
                        try {
                            deliver(c);
                        } catch (RuntimeException e) {
                            LOG.warnf("webhook delivery %d not recorded (another attempt follows its lease): %s",
                                    c.id(), e.getMessage());
                        } finally {
                            slots.release();
                            if (slots.availablePermits() >= claimAtLeast) {
                                wake();
                            }
                        }
                    });
                }
                if (claimed.size() == free) {
                    again.set(true); // there may be more due
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("webhook claims deferred: %s", e.getMessage());
        } finally {
            polling.set(false);
            if (again.get() && !stopped) {
                wake();
            }
        }
    }

    /**
     * Writes the deliveries answered 2xx since the last call, in one statement. Should the write fail (the database is
     * away), they stay pending and are sent again when their lease ends: at-least-once either way.
     */
    private synchronized void recordAnswered() {
        List<Deliveries.Delivered> batch = new java.util.ArrayList<>();
        for (Deliveries.Delivered d; batch.size() < 1_000 && (d = answered.poll()) != null;) {
            batch.add(d);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            deliveries.delivered(batch, clock.instant());
            delivered.increment(batch.size());
        } catch (RuntimeException e) {
            LOG.debugf("%d webhook deliveries not recorded (sent again after their lease): %s", batch.size(),
                    e.getMessage());
        }
    }

    /**
     * How many deliveries may start now under {@code max-rate} (a token bucket refilled at that rate, holding at most a
     * second's worth or the concurrency, whichever is smaller); when none, a wake-up is set for the next one. Pacing is
     * processor time, not business time: it uses the monotonic clock, not the injected one.
     */
    private int paced() {
        if (maxRate <= 0) {
            return Integer.MAX_VALUE;
        }
        long t = System.nanoTime();
        allowance = Math.min(Math.min(maxRate, concurrency), allowance + (t - allowanceAt) * maxRate / 1e9);
        allowanceAt = t;
        // a batch at a time: wait until a quarter of the concurrency may start (or all that is free, if less)
        double want = Math.min(claimAtLeast, Math.max(1, slots.availablePermits()));
        if (allowance < want) {
            long waitNanos = (long) ((want - allowance) * 1e9 / maxRate);
            later.schedule(this::wake, Math.max(1, waitNanos / 1000), TimeUnit.MICROSECONDS);
            return 0;
        }
        return (int) allowance;
    }

    /** One attempt of one claimed delivery, and its outcome recorded. */
    void deliver(Deliveries.Claimed c) {
        Endpoint e = c.endpoint();
        Instant at = clock.instant();
        Sender.Outcome outcome;
        try {
            UrlPolicy.Target target = urls.parse(e.url());
            var address = urls.addressForDelivery(target);
            byte[] body = c.payload().getBytes(StandardCharsets.UTF_8);
            outcome = sender.post(target, address, headers(e, c.eventPublicId(), at, body), body).toCompletionStage()
                    .toCompletableFuture().get(leaseMillis, TimeUnit.MILLISECONDS);
        } catch (UrlPolicy.Refused r) {
            outcome = new Sender.Outcome(null, 0, null, "refused: " + r.getMessage());
        } catch (IllegalStateException s) {
            outcome = new Sender.Outcome(null, 0, null, s.getMessage());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException x) {
            outcome = new Sender.Outcome(null, 0, null, "not sent: " + x.getClass().getSimpleName());
        }
        record(c, e, outcome);
    }

    private Map<String, String> headers(Endpoint e, String id, Instant at, byte[] body) {
        long ts = at.getEpochSecond();
        String secret = secrets.open(e.secret())
                .orElseThrow(() -> new IllegalStateException("signing secret unreadable under the configured peppers"));
        StringBuilder signature = new StringBuilder(SigningSecrets.sign(secret, id, ts, body));
        if (e.previousSecret() != null && e.previousSecretUntil() != null && e.previousSecretUntil().isAfter(at)) {
            secrets.open(e.previousSecret())
                    .ifPresent(p -> signature.append(' ').append(SigningSecrets.sign(p, id, ts, body)));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        h.put("user-agent", "Latchkey-Webhooks/1");
        h.put("webhook-id", id);
        h.put("webhook-timestamp", Long.toString(ts));
        h.put("webhook-signature", signature.toString());
        return h;
    }

    private void record(Deliveries.Claimed c, Endpoint e, Sender.Outcome o) {
        Instant now = clock.instant();
        if (o.delivered()) {
            answered.add(new Deliveries.Delivered(c.id(), e.id(), e.failingSince() != null, o.status(), o.latencyMs(),
                    o.body()));
            return;
        }
        Instant next = backoff.next(c.attempts(), c.createdAt(), now);
        if (!deliveries.failed(c.id(), o.status(), o.latencyMs(), o.body(), o.error(), next)) {
            return;
        }
        if (next != null) {
            retried.increment();
            return;
        }
        failed.increment();
        QuarkusTransaction.requiringNew().run(() -> {
            if (db.update("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null", now,
                    e.id()) == 1) {
                audit.recordInBackground(Caller.External.LATCHKEY, e.organizationId(), "webhook.failing", "webhook",
                        e.publicId(), e.url(), Map.of("delivery", String.valueOf(c.id()), "event", c.eventPublicId(),
                                "attempts", c.attempts()));
            }
        });
    }
}
