package dev.latchkey.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The in-memory key store of the hot path: known keys (bounded, least recently used leave first) and recently unknown
 * key ids (short TTL). It also keeps the time the cache was last known to be in sync with the database, which bounds
 * how long it may answer alone during an outage.
 */
@Singleton
public class KeyCache {

    private final Cache<String, KeySnapshot> keys;
    private final Cache<String, Boolean> unknown;
    private final long maxStalenessNanos;
    /** Bumped before every invalidation is applied: a load that overlapped one must not cache its result. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile long inSyncAtNanos = System.nanoTime();
    private volatile boolean warmed;
    private volatile boolean databaseUp;

    public KeyCache(LatchkeyConfig config, VerifyMetrics metrics) {
        LatchkeyConfig.Verify v = config.verify();
        this.keys = Caffeine.newBuilder().maximumSize(v.cacheMaxSize()).build();
        this.unknown = Caffeine.newBuilder().maximumSize(v.negativeMaxSize()).expireAfterWrite(v.negativeTtl()).build();
        this.maxStalenessNanos = v.maxStaleness().toNanos();
        metrics.gauge(VerifyMetrics.CACHE_SIZE, "Keys in the cache", keys::estimatedSize);
        metrics.gauge(VerifyMetrics.CACHE_NEGATIVE_SIZE, "Unknown key ids remembered", unknown::estimatedSize);
        metrics.gauge(VerifyMetrics.CACHE_STALENESS, "Seconds since the cache was last known in sync",
                () -> (System.nanoTime() - inSyncAtNanos) / 1e9);
        metrics.gauge(VerifyMetrics.DATABASE_UP, "1 while the invalidation listener is connected",
                () -> databaseUp ? 1 : 0);
    }

    /** The cached snapshot, or null. */
    public KeySnapshot get(String keyId) {
        return keys.getIfPresent(keyId);
    }

    /** Whether the key id is remembered as unknown. */
    public boolean isKnownUnknown(String keyId) {
        return unknown.getIfPresent(keyId) != null;
    }

    /** Stores a loaded snapshot (and forgets that the id was unknown). */
    public void put(KeySnapshot snapshot) {
        unknown.invalidate(snapshot.keyId());
        keys.put(snapshot.keyId(), snapshot);
    }

    /** Remembers that no key has this id. */
    public void putUnknown(String keyId) {
        unknown.put(keyId, Boolean.TRUE);
    }

    /** The current invalidation generation; take it before loading from the database. */
    public long generation() {
        return generation.get();
    }

    /**
     * Caches what a request loaded, unless an invalidation was applied since {@code generationAtLoad}: the loaded state
     * may predate that change (a revoke committed during the load), so it is answered once but not kept.
     */
    public void putLoaded(String keyId, KeySnapshot snapshot, long generationAtLoad) {
        synchronized (generation) {
            if (generation.get() != generationAtLoad) {
                return;
            }
            if (snapshot != null) {
                put(snapshot);
            } else {
                putUnknown(keyId);
            }
        }
    }

    /** Forgets everything about a key id. */
    public void evict(String keyId) {
        synchronized (generation) {
            generation.incrementAndGet();
            keys.invalidate(keyId);
            unknown.invalidate(keyId);
        }
    }

    /** Forgets every key of an organization. */
    public void evictOrganization(long orgId) {
        synchronized (generation) {
            generation.incrementAndGet();
            keyIdsOf(orgId).forEach(id -> {
                keys.invalidate(id);
                unknown.invalidate(id);
            });
        }
    }

    /** Whether a key id is cached (known). */
    public boolean contains(String keyId) {
        return keys.getIfPresent(keyId) != null;
    }

    /** Cached key ids of an organization. */
    public List<String> keyIdsOf(long orgId) {
        List<String> ids = new ArrayList<>();
        keys.asMap().forEach((id, s) -> {
            if (s.orgId() == orgId) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Number of cached keys. */
    public long size() {
        keys.cleanUp();
        return keys.estimatedSize();
    }

    /** Drops everything (after an outage longer than the outbox keeps). */
    public void clear() {
        synchronized (generation) {
            generation.incrementAndGet();
            keys.invalidateAll();
            unknown.invalidateAll();
        }
    }

    /** The listener saw the database: the cache is in sync as of now. */
    void markInSync() {
        inSyncAtNanos = System.nanoTime();
        databaseUp = true;
    }

    void markDatabaseDown() {
        databaseUp = false;
    }

    /** Whether answers from memory are still trustworthy (in sync recently enough). */
    public boolean fresh() {
        return System.nanoTime() - inSyncAtNanos <= maxStalenessNanos;
    }

    /** How long since the cache was last known in sync. */
    public Duration staleness() {
        return Duration.ofNanos(System.nanoTime() - inSyncAtNanos);
    }

    public boolean warmed() {
        return warmed;
    }

    void markWarmed() {
        warmed = true;
    }

    public boolean databaseUp() {
        return databaseUp;
    }
}
