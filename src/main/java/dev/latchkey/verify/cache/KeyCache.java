package dev.latchkey.verify.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.usage.UsageRecorder;
import dev.latchkey.verify.VerifyMetrics;

/**
 * The in-memory store of the hot path: known keys (bounded, least recently used leave first), recently unknown key ids
 * (short TTL), and one {@link OrgHandle} per organization that cached keys share.
 * <p>
 * <b>Why a load never caches a stale answer.</b> Every invalidation (from the change feed, the resync, or this
 * replica's own commits) bumps {@link #generation()} under the lock before it is applied. Whoever loads from the
 * database takes the generation first and installs its result only if the generation is unchanged. A load that read the
 * state before some change committed started before that change's invalidation was applied (the invalidation comes
 * after the commit), so the generation moved and the load is answered once but not kept.
 * <p>
 * It also keeps the time the cache was last known to be in sync with the database, which bounds how long it may answer
 * alone during an outage.
 */
@Singleton
public class KeyCache {

    private final Cache<String, CachedKey> keys;
    private final Cache<String, Boolean> unknown;
    private final ConcurrentHashMap<Long, OrgHandle> orgs = new ConcurrentHashMap<>();
    private final long maxStalenessNanos;
    private final AtomicLong generation = new AtomicLong();
    private volatile long inSyncAtNanos = System.nanoTime();
    private volatile boolean warmed;
    private volatile boolean databaseUp;

    public KeyCache(LatchkeyConfig config, VerifyMetrics metrics, UsageRecorder usage) {
        LatchkeyConfig.Verify v = config.verify();
        // an entry that leaves (replaced, evicted, dropped) keeps its usage counts until they are flushed
        this.keys = Caffeine.newBuilder().maximumSize(v.cacheMaxSize())
                .<String, CachedKey> removalListener((id, key, cause) -> {
                    if (key != null) {
                        usage.retire(key);
                    }
                }).build();
        usage.source(() -> keys.asMap().values());
        this.unknown = Caffeine.newBuilder().maximumSize(v.negativeMaxSize()).expireAfterWrite(v.negativeTtl()).build();
        this.maxStalenessNanos = v.maxStaleness().toNanos();
        metrics.gauge(VerifyMetrics.CACHE_SIZE, "Keys in the cache", keys::estimatedSize);
        metrics.gauge(VerifyMetrics.CACHE_NEGATIVE_SIZE, "Unknown key ids remembered", unknown::estimatedSize);
        metrics.gauge(VerifyMetrics.CACHE_STALENESS, "Seconds since the cache was last known in sync",
                () -> (System.nanoTime() - inSyncAtNanos) / 1e9);
        metrics.gauge(VerifyMetrics.DATABASE_UP, "1 while the invalidation listener is connected",
                () -> databaseUp ? 1 : 0);
    }

    /** The cached key, or null. */
    public CachedKey get(String keyId) {
        return keys.getIfPresent(keyId);
    }

    /** The cached key, or null, without counting as a use (the resync must not skew which keys are evicted). */
    public CachedKey peek(String keyId) {
        return keys.policy().getIfPresentQuietly(keyId);
    }

    /** Forgets that a key id was unknown (it exists now: created or restored behind the service's back). */
    public void forgetUnknown(String keyId) {
        unknown.invalidate(keyId);
    }

    /** Whether the key id is remembered as unknown. */
    public boolean isKnownUnknown(String keyId) {
        return unknown.getIfPresent(keyId) != null;
    }

    /** The organization's handle, created empty (state to be loaded) if it has none yet. */
    public OrgHandle handle(long orgId) {
        return orgs.computeIfAbsent(orgId, OrgHandle::new);
    }

    /** The organization's handle if one exists. */
    public OrgHandle existingHandle(long orgId) {
        return orgs.get(orgId);
    }

    /** Every organization handle (for the resync). */
    public Collection<OrgHandle> handles() {
        return orgs.values();
    }

    /** The current invalidation generation; take it before loading from the database. */
    public long generation() {
        return generation.get();
    }

    /**
     * Caches a loaded key ({@code key} null: remembers the id as unknown) unless an invalidation was applied since
     * {@code generationAtLoad}. Returns whether it was kept.
     */
    public boolean putLoaded(String keyId, CachedKey key, long generationAtLoad) {
        synchronized (generation) {
            if (generation.get() != generationAtLoad) {
                return false;
            }
            if (key != null) {
                unknown.invalidate(keyId);
                keys.put(keyId, key);
            } else {
                unknown.put(keyId, Boolean.TRUE);
            }
            return true;
        }
    }

    /** Installs an organization's loaded state unless an invalidation was applied since the load began. */
    public boolean installOrg(OrgState state, long generationAtLoad) {
        synchronized (generation) {
            if (generation.get() != generationAtLoad) {
                return false;
            }
            handle(state.id()).state = state;
            return true;
        }
    }

    /** Installs a member's loaded rights unless an invalidation was applied since the load began. */
    public boolean installMember(long orgId, String subject, MemberRights rights, long generationAtLoad) {
        synchronized (generation) {
            if (generation.get() != generationAtLoad) {
                return false;
            }
            handle(orgId).members.put(subject, rights);
            return true;
        }
    }

    /** Bumps the generation (an invalidation is about to be applied) and returns the new value. */
    public long beginInvalidation() {
        synchronized (generation) {
            return generation.incrementAndGet();
        }
    }

    /**
     * Caches a key without the generation check: only for the warm-up, whose rows are all read after the snapshot the
     * change feed starts from, and which the feed's first read (on the same thread) follows.
     */
    void putWarm(CachedKey key) {
        keys.put(key.keyId(), key);
    }

    /** Installs shared state without the generation check (warm-up only, see {@link #putWarm}). */
    void installWarm(OrgState state) {
        handle(state.id()).state = state;
    }

    /** Installs member rights without the generation check (warm-up only, see {@link #putWarm}). */
    void installWarm(long orgId, String subject, MemberRights rights) {
        handle(orgId).members.put(subject, rights);
    }

    /** Forgets everything about a key id. */
    public void evict(String keyId) {
        synchronized (generation) {
            generation.incrementAndGet();
            keys.invalidate(keyId);
            unknown.invalidate(keyId);
        }
    }

    /** Marks an organization's shared state as to be loaded again (its keys stay cached). */
    public void invalidateOrg(long orgId) {
        synchronized (generation) {
            generation.incrementAndGet();
            OrgHandle h = orgs.get(orgId);
            if (h != null) {
                h.state = null;
            }
        }
    }

    /** Forgets a member's rights (loaded again when one of their personal keys is next presented). */
    public void invalidateMember(long orgId, String subject) {
        synchronized (generation) {
            generation.incrementAndGet();
            OrgHandle h = orgs.get(orgId);
            if (h != null) {
                h.members.remove(subject);
            }
        }
    }

    /** A weakly consistent view of the cached keys (the resync walks it). */
    public Collection<CachedKey> keys() {
        return keys.asMap().values();
    }

    /** Whether a key id is cached (known). */
    public boolean contains(String keyId) {
        return keys.getIfPresent(keyId) != null;
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
            orgs.values().forEach(h -> {
                h.state = null;
                h.members.clear();
            });
        }
    }

    /** The cache is in sync with the database as of now. */
    public void markInSync() {
        inSyncAtNanos = System.nanoTime();
        databaseUp = true;
    }

    public void markDatabaseDown() {
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

    public void markWarmed() {
        warmed = true;
    }

    public boolean databaseUp() {
        return databaseUp;
    }
}
