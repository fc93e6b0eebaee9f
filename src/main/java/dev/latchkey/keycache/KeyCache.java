package dev.latchkey.keycache;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.usage.UsageRecorder;

/**
 * The in-memory store of the hot path: known keys (bounded; keys not used lately leave first), recently unknown key ids
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

    public static final String SIZE = "latchkey.key.cache.size";
    public static final String NEGATIVE_SIZE = "latchkey.key.cache.negative.size";
    public static final String STALENESS = "latchkey.key.cache.staleness.seconds";
    public static final String DATABASE_UP = "latchkey.database.up";

    private final ConcurrentHashMap<String, CachedKey> keys;
    private final long maxSize;
    private final UsageRecorder usage;
    private final Object evictLock = new Object();
    /** The eviction hand: a weakly consistent walk over the entries, resumed where it stopped. */
    private Iterator<CachedKey> hand = Collections.emptyIterator();
    private long passStartedMillis;
    /** When the pass before the current one began; 0 during the first pass (no entry has had its chance yet). */
    private long previousPassStartedMillis;
    private long evictedThisPass;
    private boolean unconditional;
    private final Clock clock;
    private final Cache<String, Boolean> unknown;
    private final ConcurrentHashMap<Long, OrgHandle> orgs = new ConcurrentHashMap<>();
    private final long maxStalenessNanos;
    private final AtomicLong generation = new AtomicLong();
    /** The resync's cycle number; keys are stamped with it as they are made (through their handle). */
    private final AtomicInteger resyncCycle = new AtomicInteger();
    /**
     * Keys this replica changed while it reads a standby, with a transaction id bound above that change (the primary's
     * snapshot xmax after the commit): until the feed's horizon passes it, the standby may not have the change, so
     * these keys are loaded from the primary and left alone by the resync. Empty on a replica that reads the primary.
     */
    private final ConcurrentHashMap<String, Long> pinnedToPrimary = new ConcurrentHashMap<>();
    private volatile long inSyncAtNanos = System.nanoTime();
    private volatile boolean warmed;
    private volatile boolean databaseUp;

    public KeyCache(LatchkeyConfig config, MeterRegistry metrics, UsageRecorder usage, Clock clock) {
        this.clock = clock;
        LatchkeyConfig.Verify v = config.verify();
        // a plain concurrent map, not a Caffeine cache: at a million keys the policy's bookkeeping on every read
        // (read buffer, frequency sketch, reordering a linked list) touched memory that no other part of a lookup
        // needed and cost a third of the throughput; the bound is kept by a clock hand (evictOverflow)
        this.keys = new ConcurrentHashMap<>((int) Math.min(v.cacheMaxSize(), 1 << 16));
        this.maxSize = v.cacheMaxSize();
        this.usage = usage;
        usage.source(keys::values);
        this.unknown = CaffeineShapes.sizedExpiringAfterWrite(v.negativeMaxSize(), v.negativeTtl()).build();
        this.maxStalenessNanos = v.maxStaleness().toNanos();
        gauge(metrics, SIZE, "Keys in the cache", keys::size);
        gauge(metrics, NEGATIVE_SIZE, "Unknown key ids remembered", unknown::estimatedSize);
        gauge(metrics, STALENESS, "Seconds since the cache was last known in sync",
                () -> (System.nanoTime() - inSyncAtNanos) / 1e9);
        gauge(metrics, DATABASE_UP, "1 while the invalidation listener is connected", () -> databaseUp ? 1 : 0);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Starts a resync cycle: entries made from now on count as seen in it. Returns its number. */
    public int beginResyncCycle() {
        return resyncCycle.incrementAndGet();
    }

    /** The cached key, or null. */
    public CachedKey get(String keyId) {
        return keys.get(keyId);
    }

    /** The cached key, or null, without counting as a use (the resync must not skew which keys are evicted). */
    public CachedKey peek(String keyId) {
        return keys.get(keyId); // reads leave no trace: recency is the key's last use (UsageCounters)
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
        OrgHandle h = orgs.get(orgId); // the usual case, without the capturing lambda computeIfAbsent needs
        return h != null ? h : orgs.computeIfAbsent(orgId, id -> new OrgHandle(id, resyncCycle));
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
                notKept(key);
                return false;
            }
            if (key != null) {
                unknown.invalidate(keyId);
                put(keyId, key);
            } else {
                unknown.put(keyId, Boolean.TRUE);
            }
        }
        if (key != null) {
            evictOverflow();
        }
        return true;
    }

    /**
     * Installs a key read from the primary unless an invalidation was applied since that read began, and fails every
     * load still in flight (they read the standby, which may not have replayed the change this replica just made, and
     * would otherwise put the older state back over this one).
     */
    public boolean putFromPrimary(String keyId, CachedKey key, long generationAtLoad) {
        synchronized (generation) {
            if (generation.get() != generationAtLoad) {
                notKept(key);
                return false;
            }
            generation.incrementAndGet();
            unknown.invalidate(keyId);
            put(keyId, key);
        }
        evictOverflow();
        return true;
    }

    /**
     * A loaded entry that a concurrent change kept out of the cache still answers the request that loaded it, which
     * counts its use on it: handed to the recorder as retired, so that count is flushed like any other.
     */
    private void notKept(CachedKey key) {
        if (key != null) {
            usage.retire(key);
        }
    }

    /** Pins a key to the primary until the feed's horizon reaches {@code txidBound} (see {@code pinnedToPrimary}). */
    public void pinToPrimary(String keyId, long txidBound) {
        pinnedToPrimary.merge(keyId, txidBound, Math::max);
    }

    /** Whether a key's latest change may not be on the standby yet (loads read the primary, the resync skips it). */
    public boolean pinnedToPrimary(String keyId) {
        return !pinnedToPrimary.isEmpty() && pinnedToPrimary.containsKey(keyId);
    }

    /** The feed has applied every transaction below {@code horizon}: pins below it are released. */
    public void unpinBelow(long horizon) {
        if (!pinnedToPrimary.isEmpty()) {
            pinnedToPrimary.values().removeIf(bound -> bound <= horizon);
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
        put(key.keyId(), key);
        evictOverflow();
    }

    /** An entry that leaves (replaced, evicted, dropped) keeps its usage counts until they are flushed. */
    private void put(String keyId, CachedKey key) {
        CachedKey old = keys.put(keyId, key);
        if (old != null && old != key) {
            usage.retire(old);
        }
    }

    private void remove(String keyId) {
        CachedKey old = keys.remove(keyId);
        if (old != null) {
            usage.retire(old);
        }
    }

    /**
     * Keeps the cache within {@code cache-max-size} with a clock hand: walking the entries round and round, it evicts
     * those not used (verified VALID) since its previous pass began, so every entry gets a whole pass as its second
     * chance. If a pass finds every entry in use, the next pass evicts in hand order, so the bound always holds —
     * exactly once writers are done; while they run, each has added its entry before evicting, so the cache holds at
     * most one entry over the bound per concurrent writer. Evicting needs no generation bump: it drops an answer, never
     * installs one.
     */
    private void evictOverflow() {
        if (keys.size() <= maxSize) {
            return;
        }
        synchronized (evictLock) {
            while (keys.size() > maxSize) {
                if (!hand.hasNext()) {
                    unconditional = previousPassStartedMillis > 0 && evictedThisPass == 0;
                    previousPassStartedMillis = passStartedMillis;
                    passStartedMillis = clock.millis();
                    evictedThisPass = 0;
                    hand = keys.values().iterator();
                    if (!hand.hasNext()) {
                        return;
                    }
                }
                CachedKey k = hand.next();
                boolean idle = previousPassStartedMillis > 0 && k.lastUsedMillis() < previousPassStartedMillis;
                if ((unconditional || idle) && keys.remove(k.keyId(), k)) {
                    usage.retire(k);
                    evictedThisPass++;
                }
            }
        }
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
            remove(keyId);
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
        return keys.values();
    }

    /** Whether a key id is cached (known). */
    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Number of cached keys. */
    public long size() {
        return keys.size();
    }

    /** Drops everything (after an outage longer than the outbox keeps). */
    public void clear() {
        synchronized (generation) {
            generation.incrementAndGet();
            keys.keySet().forEach(this::remove);
            unknown.invalidateAll();
            orgs.values().forEach(h -> {
                h.state = null;
                h.members.clear();
            });
        }
    }

    /**
     * The cache is in sync with the database it reads, which was {@code lagNanos} behind the primary (a standby's
     * replication lag): what it holds is as of that long ago, and the staleness limit counts from then.
     */
    public void markInSync(long lagNanos) {
        inSyncAtNanos = System.nanoTime() - Math.max(0, lagNanos);
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
