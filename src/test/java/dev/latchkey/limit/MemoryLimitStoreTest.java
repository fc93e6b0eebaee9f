package dev.latchkey.limit;

import java.time.Duration;
import java.time.Instant;

import dev.latchkey.limit.store.LimitStore;
import dev.latchkey.limit.store.MemoryLimitStore;
import dev.latchkey.support.MutableClock;

/** The contract against the in-memory store; windows end by moving its clock. */
class MemoryLimitStoreTest extends LimitStoreContract {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final MemoryLimitStore store = new MemoryLimitStore(clock);

    @Override
    LimitStore store() {
        return store;
    }

    @Override
    void endWindow(String counter) {
        clock.advance(Duration.ofSeconds(60));
    }

    @Override
    void loseEverything() {
        store.forgetQuotas();
    }
}
