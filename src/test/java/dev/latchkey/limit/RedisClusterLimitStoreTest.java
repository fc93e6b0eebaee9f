package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.latchkey.support.RedisClusterProcess;

/**
 * The contract against a three-master Redis Cluster, given as a seed list in latchkey.redis.url: each script touches
 * one key, hash-tagged by key id, so every operation is routed to the node that owns it.
 */
class RedisClusterLimitStoreTest extends RedisStoreContract {

    RedisClusterProcess cluster;

    @Override
    String startRedis() throws Exception {
        cluster = RedisClusterProcess.start();
        return cluster.url();
    }

    @Override
    void stopRedis() throws Exception {
        cluster.close();
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
