package dev.latchkey.limit;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.RedisLimitStore;
import dev.latchkey.limit.store.RedisLink;
import dev.latchkey.support.RedisProcess;

/**
 * The contract against a real Redis (a private redis-server); a window ends by expiring its key, as Redis' clock would.
 */
class RedisLimitStoreTest extends LimitStoreContract {

    static RedisProcess redis;
    static Vertx vertx;
    static RedisLink link;
    static RedisLimitStore store;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        vertx = Vertx.vertx();
        link = new RedisLink(vertx, redis.url(), Duration.ofSeconds(2), Duration.ofSeconds(1),
                new SimpleMeterRegistry());
        store = new RedisLimitStore(link, Duration.ofDays(1));
    }

    @AfterAll
    static void stop() throws Exception {
        link.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        redis.close();
    }

    @Override
    LimitStore store() {
        return store;
    }

    @Override
    void endWindow(String counter) {
        await(link.send(Request.cmd(Command.PEXPIRE).arg(counter).arg(1)));
        await(link.send(Request.cmd(Command.DEL).arg(counter))); // an expired key, whatever the timing
    }

    @Override
    void loseEverything() {
        await(link.send(Request.cmd(Command.FLUSHALL)));
    }
}
