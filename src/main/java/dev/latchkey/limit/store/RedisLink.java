package dev.latchkey.limit.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The connection to Redis (one node, TLS with {@code rediss://}, or a cluster's comma-separated seed list) with a
 * timeout on every command and an up/down state. A connection failure, or three timeouts in a row, mark Redis down (a
 * single slow answer fails only its own call); while down, callers are told at once (rate limits fall back to
 * per-replica counters, quota keys answer UNAVAILABLE) and a PING every {@code probe} interval brings it back up when
 * Redis answers again. Every round trip is timed ({@code latchkey_redis_duration_seconds}) and counted
 * ({@code latchkey_redis_commands_total}).
 */
public final class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class);

    private final Vertx vertx;
    private final Redis client;
    private final long timeoutMillis;
    private final Timer duration;
    private final Counter commands;
    private final Counter failures;
    private volatile boolean up = true;
    @SuppressWarnings("unchecked")
    private final ThreadLocal<Future<RedisConnection>[]> perLoop = ThreadLocal.withInitial(() -> new Future[1]);
    /** Timeouts in a row: one slow answer (a pause, a burst) is that call's failure, three in a row are an outage. */
    private final java.util.concurrent.atomic.AtomicInteger timeoutsInARow = new java.util.concurrent.atomic.AtomicInteger();
    static final int TIMEOUTS_FOR_OUTAGE = 3;
    private final long probeTimer;

    public RedisLink(Vertx vertx, String url, Duration timeout, Duration probe, MeterRegistry registry) {
        this.vertx = vertx;
        this.timeoutMillis = timeout.toMillis();
        List<String> seeds = List.of(url.split("\\s*,\\s*"));
        RedisOptions options = new RedisOptions()
                .setType(seeds.size() > 1 ? RedisClientType.CLUSTER : RedisClientType.STANDALONE).setMaxPoolSize(16)
                .setMaxPoolWaiting(100_000).setMaxWaitingHandlers(100_000).setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout((int) Math.max(1, timeout.toMillis())).setTcpNoDelay(true));
        seeds.forEach(options::addConnectionString);
        this.client = Redis.createClient(vertx, options);
        this.duration = Timer.builder("latchkey.redis.duration").description("Redis round trips (limits and quotas)")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
                        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250))
                .register(registry);
        this.commands = Counter.builder("latchkey.redis.commands").description("Redis commands sent")
                .register(registry);
        this.failures = Counter.builder("latchkey.redis.failures")
                .description("Redis commands that failed or timed out").register(registry);
        Gauge.builder("latchkey.redis.degraded", this, l -> l.up ? 0 : 1)
                .description("1 while Redis is unreachable: rate limits per replica, quota keys unavailable")
                .register(registry);
        send(Request.cmd(Command.PING)); // open a connection before the first call needs one
        this.probeTimer = vertx.setPeriodic(probe.toMillis(), t -> {
            if (!up) {
                send(Request.cmd(Command.PING));
            }
        });
    }

    /** False while Redis is known to be unreachable. */
    public boolean up() {
        return up;
    }

    /** Sends a command; fails on error or after the timeout. */
    public Future<Response> send(Request request) {
        long start = System.nanoTime();
        commands.increment();
        Promise<Response> p = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis,
                t -> p.tryFail(new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")));
        Future<Response> sent = Context.isOnEventLoopThread() ? ownConnection().compose(c -> c.send(request))
                : client.send(request);
        sent.onComplete(ar -> {
            vertx.cancelTimer(timer);
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (ar.succeeded()) {
                p.tryComplete(ar.result());
            } else {
                p.tryFail(ar.cause());
            }
        });
        return p.future().onComplete(ar -> {
            if (ar.succeeded()) {
                timeoutsInARow.set(0);
                if (!up) {
                    LOG.info("Redis is reachable again: shared limits and quotas resume");
                }
                up = true;
            } else if (!isScriptMissing(ar.cause())) {
                failures.increment();
                if (ar.cause() instanceof TimeoutException && timeoutsInARow.incrementAndGet() < TIMEOUTS_FOR_OUTAGE) {
                    return;
                }
                if (up) {
                    LOG.warnf("Redis unreachable (%s): rate limits per replica, quota keys unavailable",
                            ar.cause().getMessage());
                }
                up = false;
            }
        });
    }

    /**
     * This event loop's own connection, opened on first use and dropped when it ends or fails: calls from the hot path
     * are pipelined on it (no pool hand-off per command, no queueing behind 16 pooled connections), and all of one
     * connection's commands come from its own thread, so replies are matched in order. Other threads (flushes, seeds,
     * API reads) use the pool.
     */
    private Future<RedisConnection> ownConnection() {
        Future<RedisConnection>[] slot = perLoop.get();
        Future<RedisConnection> c = slot[0];
        if (c != null && !c.failed()) {
            return c;
        }
        Future<RedisConnection> opening = client.connect();
        slot[0] = opening;
        opening.onComplete(ar -> {
            if (ar.failed()) {
                if (slot[0] == opening) {
                    slot[0] = null;
                }
                return;
            }
            RedisConnection conn = ar.result();
            conn.exceptionHandler(e -> {
                if (slot[0] == opening) {
                    slot[0] = null;
                    try {
                        conn.close();
                    } catch (RuntimeException x) { // a cluster connection may have given some nodes back already
                        LOG.debugf("closing a failed Redis connection: %s", x.getMessage());
                    }
                }
            });
            conn.endHandler(v -> { // ended: already given back (a cluster connection ends when one of its nodes does)
                if (slot[0] == opening) {
                    slot[0] = null;
                }
            });
        });
        return opening;
    }

    /** A server that lost its script cache (restarted) answers NOSCRIPT to EVALSHA. */
    static boolean isScriptMissing(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    /** Stops probing and closes the connections. */
    public void close() {
        vertx.cancelTimer(probeTimer);
        client.close();
    }
}
