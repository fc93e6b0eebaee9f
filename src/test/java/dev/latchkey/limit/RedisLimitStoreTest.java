package dev.latchkey.limit;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.latchkey.support.RedisProcess;

/** The contract against a real Redis node (a private redis-server). */
class RedisLimitStoreTest extends RedisStoreContract {

    RedisProcess redis;

    @Override
    String startRedis() throws Exception {
        redis = RedisProcess.start();
        return redis.url();
    }

    @Override
    void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    void loseEverything() {
        await(link.send(Request.cmd(Command.FLUSHALL)));
    }
}
