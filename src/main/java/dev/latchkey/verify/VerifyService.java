package dev.latchkey.verify;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import dev.latchkey.apikey.format.ImportedValue;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.StatusMap;
import dev.latchkey.keycache.CacheRefresher;
import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.ImportIndex;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.keycache.MemberRights;
import dev.latchkey.keycache.OrgState;
import dev.latchkey.keycache.Resolved;
import dev.latchkey.limit.QuotaSpec;
import dev.latchkey.limit.Quotas;
import dev.latchkey.limit.RateLimiter;
import dev.latchkey.usage.UsageRecorder;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * The hot path. A malformed key or bad checksum is refused before any lookup; a cached key whose organization state
 * (and, for a personal key, owner) is cached is decided on the calling (event-loop) thread without I/O; an unknown id
 * remembered as unknown is refused at once; anything else is loaded on a worker thread and cached. When the answer
 * needs the database and it is down, or the cache has been out of sync for longer than the allowed staleness, the
 * answer is UNAVAILABLE (503), never a guess.
 */
@Singleton
public class VerifyService {

    private static final Logger LOG = Logger.getLogger(VerifyService.class);
    /** A load that failed: the answer needs the database and it could not be read. */
    private static final Resolved UNREACHABLE = new Resolved(null, null, null);

    private final KeyCache cache;
    private final CacheRefresher refresher;
    private final Verifier verifier;
    private final RateLimiter rateLimiter;
    private final Quotas quotas;
    private final UsageRecorder usage;
    private final VerifyMetrics metrics;
    private final Clock clock;
    private final Vertx vertx;
    private final boolean cacheEnabled;
    private final ImportIndex imports;
    private final KeyHasher hasher;

    public VerifyService(KeyCache cache, CacheRefresher refresher, Verifier verifier, RateLimiter rateLimiter,
            Quotas quotas, UsageRecorder usage, VerifyMetrics metrics, Clock clock, Vertx vertx, LatchkeyConfig config,
            ImportIndex imports, KeyHasher hasher) {
        this.imports = imports;
        this.hasher = hasher;
        this.rateLimiter = rateLimiter;
        this.quotas = quotas;
        this.cache = cache;
        this.refresher = refresher;
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
            return foreign(request, endpoint, start);
        }
        if (cacheEnabled) {
            Resolved cached = cached(presented.keyId());
            if (cached != null) {
                metrics.hit();
                if (!cache.fresh()) {
                    return Future.succeededFuture(done(Decision.of(VerifyCode.UNAVAILABLE), endpoint, start));
                }
                return limited(verifier.decide(cached, presented, request, clock.millis()), request, endpoint, start);
            }
            if (cache.isKnownUnknown(presented.keyId())) {
                metrics.negativeHit();
                VerifyCode code = cache.fresh() ? VerifyCode.NOT_FOUND : VerifyCode.UNAVAILABLE;
                return Future.succeededFuture(done(Decision.of(code), endpoint, start));
            }
        }
        metrics.miss();
        return vertx.executeBlocking(() -> load(presented.keyId()), false).compose(found -> {
            if (found == UNREACHABLE) {
                return Future.succeededFuture(done(Decision.of(VerifyCode.UNAVAILABLE), endpoint, start));
            }
            if (found == null) {
                return Future.succeededFuture(done(Decision.of(VerifyCode.NOT_FOUND), endpoint, start));
            }
            return limited(verifier.decide(found, presented, request, clock.millis()), request, endpoint, start);
        });
    }

    /** A key an imported value may belong to: found in the index under this prefix and hash. */
    private record Candidate(String keyId, String prefix, byte[] hash, byte[] rehashTo) {
    }

    /**
     * A key not in Latchkey's format: an imported value (README, "Importing keys") or nothing. Which imported value it
     * could be is decided in memory — each import prefix it starts with, hashed as imported values are stored, looked
     * up in the index — so a value never imported is refused without a query; a candidate is then verified as any key.
     * A malformed key with one of Latchkey's own prefixes is refused at once (such values are never imported).
     */
    private Future<Decision> foreign(VerifyRequest request, VerifyMetrics.Endpoint endpoint, long start) {
        String value = request.key();
        if (imports.isEmpty() || !ImportedValue.plausible(value) || ImportedValue.latchkeyPrefixed(value)) {
            return Future.succeededFuture(done(Decision.of(VerifyCode.NOT_FOUND), endpoint, start));
        }
        List<Candidate> candidates = new ArrayList<>(1);
        for (String prefix : imports.prefixes()) {
            if (!value.startsWith(prefix)) {
                continue;
            }
            byte[] digest = ImportedValue.sha256(value, prefix.length());
            List<byte[]> hashes = hasher.hashesUnderEveryPepper(digest, 0, digest.length);
            for (int i = 0; i < hashes.size(); i++) {
                // found under an earlier pepper: to be stored under the current one (the first hash)
                byte[] rehashTo = i >= 1 && i <= hasher.earlierPepperCount() ? hashes.get(0) : null;
                for (String keyId : imports.candidates(hashes.get(i))) {
                    candidates.add(new Candidate(keyId, prefix, hashes.get(i), rehashTo));
                }
            }
        }
        if (candidates.isEmpty()) {
            metrics.negativeHit();
            VerifyCode code = cache.fresh() ? VerifyCode.NOT_FOUND : VerifyCode.UNAVAILABLE;
            return Future.succeededFuture(done(Decision.of(code), endpoint, start));
        }
        return candidate(candidates, 0, request, endpoint, start);
    }

    /** Verifies against candidate {@code i}, and the next one while the answer is NOT_FOUND. */
    private Future<Decision> candidate(List<Candidate> candidates, int i, VerifyRequest request,
            VerifyMetrics.Endpoint endpoint, long start) {
        Candidate c = candidates.get(i);
        Future<Decision> decided;
        Resolved cached = cacheEnabled ? cached(c.keyId()) : null;
        if (cached != null) {
            metrics.hit();
            decided = Future.succeededFuture(cache.fresh()
                    ? verifier.decideImported(cached, c.prefix(), c.hash(), c.rehashTo(), request, clock.millis())
                    : Decision.of(VerifyCode.UNAVAILABLE));
        } else if (cacheEnabled && cache.isKnownUnknown(c.keyId())) {
            metrics.negativeHit();
            decided = Future.succeededFuture(Decision.of(VerifyCode.NOT_FOUND));
        } else {
            metrics.miss();
            decided = vertx.executeBlocking(() -> load(c.keyId()), false)
                    .map(found -> found == UNREACHABLE ? Decision.of(VerifyCode.UNAVAILABLE)
                            : found == null ? Decision.of(VerifyCode.NOT_FOUND) : verifier.decideImported(found,
                                    c.prefix(), c.hash(), c.rehashTo(), request, clock.millis()));
        }
        return decided.compose(d -> d.code() == VerifyCode.NOT_FOUND && i + 1 < candidates.size()
                ? candidate(candidates, i + 1, request, endpoint, start) : limited(d, request, endpoint, start));
    }

    /**
     * A valid answer passes the key's rate limit (one token) and then its quota ({@code cost} units); a denial by the
     * rate limit spends no quota. Both complete at once when no round trip is needed (a leased token, no quota).
     */
    private Future<Decision> limited(Decision d, VerifyRequest request, VerifyMetrics.Endpoint endpoint, long start) {
        CachedKey k = d.key();
        if (!d.valid() || !k.limited()) {
            return Future.succeededFuture(done(d, endpoint, start));
        }
        Future<Decision> f = k.rateLimit() == null ? Future.succeededFuture(d) : rateLimiter
                .take(k.keyId(), k.rateState(), k.rateLimit(), k.rateLimitWindowSeconds()).map(d::withRate);
        QuotaSpec quota = k.quota();
        if (quota != null) {
            f = f.compose(r -> !r.valid() ? Future.succeededFuture(r)
                    : quotas.spend(k.id(), k.keyId(), quota, request.cost()).map(r::withQuota));
        }
        return f.map(r -> done(r, endpoint, start));
    }

    /** The key with its shared state when all of it is in memory, else null. */
    private Resolved cached(String keyId) {
        CachedKey k = cache.get(keyId);
        if (k == null) {
            return null;
        }
        OrgState org = k.org().state();
        if (org == null) {
            return null;
        }
        MemberRights owner = null;
        if (k.kind() == KeyKind.PERSONAL) {
            owner = k.org().member(k.ownerSubject());
            if (owner == null) {
                return null;
            }
        }
        return new Resolved(k, org, owner);
    }

    /**
     * Loads (and caches); null when there is no such key, UNREACHABLE when it could not be loaded. Either way a failed
     * load answers UNAVAILABLE (never a guess), but only the database being unreachable is expected: it is counted and
     * logged at DEBUG (an outage would flood the log), anything else — a bug, a query PostgreSQL refused — at ERROR.
     */
    private Resolved load(String keyId) {
        try {
            return refresher.load(keyId);
        } catch (SQLException | RuntimeException e) {
            boolean unreachable = StatusMap.databaseUnreachable(e);
            metrics.loadFailed(unreachable);
            if (unreachable) {
                LOG.debugf("key load failed, the database is unreachable: %s", e.getMessage());
            } else {
                LOG.error("key load failed", e);
            }
            return UNREACHABLE;
        }
    }

    private Decision done(Decision d, VerifyMetrics.Endpoint endpoint, long start) {
        if (d.key() != null) {
            usage.record(d.key(), d.code(), clock.millis());
        }
        metrics.recorded(endpoint, d.code(), start);
        return d;
    }
}
