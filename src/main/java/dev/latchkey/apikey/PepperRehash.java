package dev.latchkey.apikey;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Db;

/**
 * The second half of a pepper rotation (README "Rotating secrets"): a key whose secret matched under an earlier pepper
 * is hashed again under the current one. The verify path only asks (it has the secret, hashed under the current pepper
 * already, and must not wait for a write); once a second the asks are written in one transaction, each only if the
 * stored hash is still the one that matched (a rotation or another replica may have changed it since), with the version
 * bumped like any change and the key's change published, so every replica reloads it. Bounded: past
 * {@link #MAX_PENDING} asks wait for a later use of their key.
 */
@ApplicationScoped
public class PepperRehash {

    static final int MAX_PENDING = 10_000;
    private static final Logger LOG = Logger.getLogger(PepperRehash.class);

    /** What to write for one key: the hash that matched under an earlier pepper, and the current pepper's. */
    record Ask(long orgId, String keyId, byte[] from, byte[] to) {
    }

    private final Map<Long, Ask> pending = new ConcurrentHashMap<>();
    private final Db db;
    private final Event<KeyChanged> changed;
    private final Counter matches;
    private final Counter rehashed;

    public PepperRehash(Db db, Event<KeyChanged> changed, MeterRegistry registry) {
        this.db = db;
        this.changed = changed;
        this.matches = Counter.builder("latchkey.keys.earlier.pepper.matches")
                .description("Secrets that matched only under an earlier pepper (a rotation is not finished)")
                .register(registry);
        this.rehashed = Counter.builder("latchkey.keys.rehashed")
                .description("Keys hashed again under the current pepper").register(registry);
    }

    /** Asks for the key (row id {@code keyPk}) to be stored as {@code to} instead of {@code from}. */
    public void ask(long keyPk, long orgId, String keyId, byte[] from, byte[] to) {
        matches.increment();
        if (pending.size() < MAX_PENDING) {
            pending.putIfAbsent(keyPk, new Ask(orgId, keyId, from.clone(), to.clone()));
        }
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!pending.isEmpty()) {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.debugf("re-hash deferred: %s", e.getMessage());
            }
        }
    }

    /** Writes what was asked so far; returns how many keys were hashed again. */
    public int flush() {
        List<Map.Entry<Long, Ask>> batch = new ArrayList<>(pending.entrySet());
        if (batch.isEmpty()) {
            return 0;
        }
        int done = QuarkusTransaction.requiringNew().call(() -> {
            int n = 0;
            for (Map.Entry<Long, Ask> e : batch) {
                Ask a = e.getValue();
                if (MessageDigest.isEqual(a.from(), a.to())) {
                    continue;
                }
                if (db.update("update api_keys set secret_hash = ?, version = version + 1 where id = ?"
                        + " and secret_hash = ?", a.to(), e.getKey(), a.from()) == 1) {
                    changed.fire(new KeyChanged(a.orgId(), a.keyId()));
                    n++;
                }
            }
            return n;
        });
        batch.forEach(e -> pending.remove(e.getKey(), e.getValue()));
        rehashed.increment(done);
        return done;
    }
}
