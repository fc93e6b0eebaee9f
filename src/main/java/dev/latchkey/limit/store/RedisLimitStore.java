package dev.latchkey.limit.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The counters in Redis, one Lua script per operation so that each is atomic on its key (one key per script: Redis
 * Cluster places a key's counters by its hash tag, the key id in braces). Scripts go by SHA (EVALSHA) and are sent
 * again with EVAL when a restarted server has forgotten them. Windows use Redis' own clock (the key's TTL), so replicas
 * with skewed clocks still share one window.
 */
public final class RedisLimitStore implements LimitStore {

    /**
     * {@code KEYS[1]} counter; {@code ARGV} limit, window ms, wanted. Returns granted, left, ms to the window's end.
     */
    static final String LEASE = """
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local ttl = redis.call('PTTL', KEYS[1])
            local limit = tonumber(ARGV[1])
            if ttl <= 0 then used = 0; ttl = tonumber(ARGV[2]) end
            local g = math.min(tonumber(ARGV[3]), limit - used)
            if g < 0 then g = 0 end
            if g > 0 then
              if used == 0 then redis.call('SET', KEYS[1], g, 'PX', ttl) else redis.call('INCRBY', KEYS[1], g) end
            end
            return {g, limit - used - g, ttl}
            """;

    /**
     * {@code KEYS[1]} quota hash (r remaining, b refill index, f flush counter at seed, i instance, fm newest flush
     * reported while absent); {@code ARGV} cost, refill index, refill amount (-1 none), ttl ms. Returns status (0
     * spent, 1 exceeded, 2 not seeded), remaining, instance.
     */
    static final String SPEND = """
            local r = redis.call('HGET', KEYS[1], 'r')
            if not r then return {2, 0, ''} end
            r = tonumber(r)
            local amount = tonumber(ARGV[3])
            if amount >= 0 then
              local b = tonumber(ARGV[2])
              if b > tonumber(redis.call('HGET', KEYS[1], 'b')) then
                if r < amount then r = amount end
                redis.call('HSET', KEYS[1], 'r', r, 'b', b)
              end
            end
            local cost = tonumber(ARGV[1])
            local inst = redis.call('HGET', KEYS[1], 'i')
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            if r <= 0 or r < cost then return {1, r, inst} end
            if cost > 0 then r = redis.call('HINCRBY', KEYS[1], 'r', -cost) end
            return {0, r, inst}
            """;

    /**
     * {@code ARGV} remaining, refill index, flush counter, new instance, ttl ms. Returns 1 (seeded or exists), 0 stale.
     */
    static final String SEED = """
            if redis.call('HEXISTS', KEYS[1], 'r') == 1 then return 1 end
            local fm = redis.call('HGET', KEYS[1], 'fm')
            if fm and tonumber(fm) > tonumber(ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], 'r', ARGV[1], 'b', ARGV[2], 'f', ARGV[3], 'i', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """;

    /** {@code ARGV} instance, units, flush counter after, ttl ms. */
    static final String RECONCILE = """
            local ci = redis.call('HGET', KEYS[1], 'i')
            local flushed = tonumber(ARGV[3])
            if not ci then
              local fm = tonumber(redis.call('HGET', KEYS[1], 'fm') or '0')
              if flushed > fm then
                redis.call('HSET', KEYS[1], 'fm', flushed)
                redis.call('PEXPIRE', KEYS[1], ARGV[4])
              end
              return 0
            end
            if ci == ARGV[1] then return 0 end
            if tonumber(redis.call('HGET', KEYS[1], 'f')) < flushed then
              redis.call('HINCRBY', KEYS[1], 'r', -tonumber(ARGV[2]))
              return 1
            end
            return 0
            """;

    private static final String LEASE_SHA = sha1(LEASE);
    private static final String SPEND_SHA = sha1(SPEND);
    private static final String SEED_SHA = sha1(SEED);
    private static final String RECONCILE_SHA = sha1(RECONCILE);

    private final RedisLink link;
    private final String quotaTtl;

    /**
     * @param quotaTtl
     *            how long an unused quota counter stays in Redis (then it is seeded again from the database)
     */
    public RedisLimitStore(RedisLink link, Duration quotaTtl) {
        this.link = link;
        this.quotaTtl = Long.toString(quotaTtl.toMillis());
    }

    @Override
    public Future<Lease> lease(String counter, long limit, long windowMillis, long want) {
        return eval(LEASE, LEASE_SHA, counter, Long.toString(limit), Long.toString(windowMillis), Long.toString(want))
                .map(r -> new Lease(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
    }

    @Override
    public Future<Spend> spend(String counter, long cost, long refillIndex, long refillAmount) {
        return eval(SPEND, SPEND_SHA, counter, Long.toString(cost), Long.toString(refillIndex),
                Long.toString(refillAmount), quotaTtl).map(r -> {
                    int status = r.get(0).toInteger();
                    Status s = status == 0 ? Status.SPENT : status == 1 ? Status.EXCEEDED : Status.NOT_SEEDED;
                    return new Spend(s, r.get(1).toLong(), s == Status.NOT_SEEDED ? null : r.get(2).toString());
                });
    }

    @Override
    public Future<Boolean> seed(String counter, long remaining, long refillIndex, long flushed) {
        return eval(SEED, SEED_SHA, counter, Long.toString(remaining), Long.toString(refillIndex),
                Long.toString(flushed), java.util.UUID.randomUUID().toString(), quotaTtl).map(r -> r.toInteger() == 1);
    }

    @Override
    public Future<Void> reconcile(String counter, String instance, long units, long flushedAfter) {
        return eval(RECONCILE, RECONCILE_SHA, counter, instance, Long.toString(units), Long.toString(flushedAfter),
                quotaTtl).mapEmpty();
    }

    @Override
    public Future<Counter> peek(String counter) {
        return link.send(Request.cmd(Command.HMGET).arg(counter).arg("r").arg("b"))
                .map(r -> r.get(0) == null ? null : new Counter(r.get(0).toLong(), r.get(1).toLong()));
    }

    /** EVALSHA, or EVAL when the server does not know the script (it restarted). */
    private Future<Response> eval(String script, String sha, String key, String... args) {
        return link.send(request(Command.EVALSHA, sha, key, args)).recover(e -> RedisLink.isScriptMissing(e)
                ? link.send(request(Command.EVAL, script, key, args)) : Future.failedFuture(e));
    }

    private static Request request(Command command, String script, String key, String... args) {
        Request r = Request.cmd(command).arg(script).arg(1).arg(key);
        for (String a : args) {
            r.arg(a);
        }
        return r;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
