package dev.latchkey.limit;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.RedisLimitStore;
import dev.latchkey.limit.store.RedisLink;

/** The contract against a real Redis that the subclass starts: one node or a cluster, given as latchkey.redis.url. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisStoreContract extends LimitStoreContract {

    Vertx vertx;
    RedisLink link;
    RedisLimitStore store;

    /** Starts the server(s); returns the url. */
    abstract String startRedis() throws Exception;

    abstract void stopRedis() throws Exception;

    @BeforeAll
    void start() throws Exception {
        String url = startRedis();
        vertx = Vertx.vertx();
        link = new RedisLink(vertx, url, Duration.ofSeconds(2), Duration.ofSeconds(1), new SimpleMeterRegistry());
        store = new RedisLimitStore(link, Duration.ofDays(1));
    }

    @AfterAll
    void stop() throws Exception {
        link.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        stopRedis();
    }

    @Override
    LimitStore store() {
        return store;
    }

    /** A window ends when its key expires: deleted, as Redis' clock would. */
    @Override
    void endWindow(String counter) {
        await(link.send(Request.cmd(Command.DEL).arg(counter)));
    }
}
