package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.RedisLimitStore;
import dev.latchkey.limit.store.RedisLink;
import dev.latchkey.support.RedisClusterProcess;

/**
 * The contract against a three-master Redis Cluster, given as a seed list in latchkey.redis.url: each script touches
 * one key, hash-tagged by key id, so every operation is routed to the node that owns it.
 */
class RedisClusterLimitStoreTest extends LimitStoreContract {

    static RedisClusterProcess cluster;
    static Vertx vertx;
    static RedisLink link;
    static RedisLimitStore store;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisClusterProcess.start();
        vertx = Vertx.vertx();
        link = new RedisLink(vertx, cluster.url(), Duration.ofSeconds(2), Duration.ofSeconds(1),
                new SimpleMeterRegistry());
        store = new RedisLimitStore(link, Duration.ofDays(1));
    }

    @AfterAll
    static void stop() throws Exception {
        link.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        cluster.close();
    }

    @Override
    LimitStore store() {
        return store;
    }

    @Override
    void endWindow(String counter) {
        await(link.send(Request.cmd(Command.DEL).arg(counter)));
    }

    @Override
    void loseEverything() throws Exception {
        cluster.flushAll();
    }

    @Test
    void countersAreSpreadOverTheMasters() {
        Set<Long> slotsOwners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String c = counter();
            await(store.seed(c, 1, 0, 0));
            long slot = await(link.send(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(c))).toLong();
            slotsOwners.add(slot * 3 / 16384); // the three masters own equal thirds of the slots
        }
        assertEquals(3, slotsOwners.size(), "counters landed on every master");
    }
}
