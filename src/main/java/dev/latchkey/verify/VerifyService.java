package dev.latchkey.verify;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import dev.latchkey.apikey.KeyFormat;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.usage.UsageRecorder;

/**
 * The hot path. A malformed key or bad checksum is refused before any lookup; a cached key is decided on the calling
 * (event-loop) thread without I/O; an unknown id remembered as unknown is refused at once; anything else is loaded on a
 * worker thread and cached. When the answer needs the database and it is down, or the cache has been out of sync for
 * longer than the allowed staleness, the answer is UNAVAILABLE (503), never a guess.
 */
@Singleton
public class VerifyService {

    private static final Logger LOG = Logger.getLogger(VerifyService.class);

    private final KeyCache cache;
    private final SnapshotLoader loader;
    private final Verifier verifier;
    private final UsageRecorder usage;
    private final VerifyMetrics metrics;
    private final Clock clock;
    private final Vertx vertx;
    private final boolean cacheEnabled;

    public VerifyService(KeyCache cache, SnapshotLoader loader, Verifier verifier, UsageRecorder usage,
            VerifyMetrics metrics, Clock clock, Vertx vertx, LatchkeyConfig config) {
        this.cache = cache;
        this.loader = loader;
        this.verifier = verifier;
        this.usage = usage;
        this.metrics = metrics;
        this.clock = clock;
        this.vertx = vertx;
        this.cacheEnabled = config.verify().cacheEnabled();
    }

    /** Verifies; the future completes on the caller's context for cached keys, after a load otherwise. */
    public Future<Decision> verify(VerifyRequest request, VerifyMetrics.Endpoint endpoint) {
        long start = System.nanoTime();
        KeyFormat.ParsedKey presented = KeyFormat.parse(request.key());
        if (presented == null) {
            return Future.succeededFuture(done(Decision.of(VerifyCode.NOT_FOUND), endpoint, start));
        }
        if (cacheEnabled) {
            KeySnapshot cached = cache.get(presented.keyId());
            if (cached != null) {
                metrics.hit();
                if (!cache.fresh()) {
                    return Future.succeededFuture(done(Decision.of(VerifyCode.UNAVAILABLE), endpoint, start));
                }
                long now = clock.millis();
                return Future.succeededFuture(done(verifier.decide(cached, presented, request, now), endpoint, start));
            }
            if (cache.isKnownUnknown(presented.keyId())) {
                metrics.negativeHit();
                VerifyCode code = cache.fresh() ? VerifyCode.NOT_FOUND : VerifyCode.UNAVAILABLE;
                return Future.succeededFuture(done(Decision.of(code), endpoint, start));
            }
        }
        metrics.miss();
        return vertx.executeBlocking(() -> load(presented.keyId()), false).map(found -> {
            if (found == null) {
                return done(Decision.of(VerifyCode.UNAVAILABLE), endpoint, start);
            }
            if (found.isEmpty()) {
                return done(Decision.of(VerifyCode.NOT_FOUND), endpoint, start);
            }
            return done(verifier.decide(found.get(), presented, request, clock.millis()), endpoint, start);
        });
    }

    /** Loads and caches; null when the database cannot be reached. */
    private Optional<KeySnapshot> load(String keyId) {
        try {
            long generation = cache.generation();
            Optional<KeySnapshot> found = loader.load(keyId);
            if (cacheEnabled) {
                cache.putLoaded(keyId, found.orElse(null), generation);
            }
            return found;
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("key load failed: %s", e.getMessage());
            return null;
        }
    }

    private Decision done(Decision d, VerifyMetrics.Endpoint endpoint, long start) {
        if (d.key() != null) {
            usage.record(d.key().id(), d.code(), clock.millis());
        }
        metrics.recorded(endpoint, d.code(), start);
        return d;
    }
}
