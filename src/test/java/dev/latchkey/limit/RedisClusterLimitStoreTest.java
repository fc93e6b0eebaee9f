package dev.latchkey.limit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

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

    /** Each counter is held by exactly one master, asked directly (a node answers only for its own slots). */
    @Test
    void countersAreSpreadOverTheMasters() throws Exception {
        Set<Integer> owners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String c = counter();
            await(store.seed(c, 1, 0, 0));
            List<Integer> holding = new ArrayList<>();
            for (int port : cluster.ports) {
                Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "exists", c)
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                p.waitFor();
                if (out.equals("1")) {
                    holding.add(port);
                }
            }
            assertEquals(1, holding.size(), c + " is held by exactly one node: " + holding);
            owners.add(holding.get(0));
        }
        assertEquals(3, owners.size(), "counters landed on every master");
    }
}
