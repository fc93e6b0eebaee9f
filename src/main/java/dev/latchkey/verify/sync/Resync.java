package dev.latchkey.verify.sync;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.cache.CacheRefresher;
import dev.latchkey.verify.cache.CachedKey;
import dev.latchkey.verify.cache.KeyCache;
import dev.latchkey.verify.cache.KeyLoader;
import dev.latchkey.verify.cache.KeyLoader.MemberRef;
import dev.latchkey.verify.cache.MemberRights;
import dev.latchkey.verify.cache.OrgHandle;
import dev.latchkey.verify.cache.OrgState;

/**
 * The safety net that does not depend on the change feed (DESIGN §7): within every {@code resync-interval}, every
 * cached key, organization state and member's rights is compared with the database, and whatever differs is reloaded
 * (or dropped). A change that bypassed the service — an operator's SQL, a restored backup — therefore stops a revoked
 * key on every replica within one interval.
 * <p>
 * The comparison is by fingerprint: PostgreSQL hashes exactly the columns each entry was built from, so a cycle reads 8
 * bytes per key instead of the key. One cycle walks the cache in {@link #SLICES} slices spread over the interval (with
 * 1,000,000 keys: 50,000 per query every 3 s); organizations and members are checked once per cycle. A key id that the
 * database no longer has at all is evicted. Keys cached during a cycle were loaded after it began and are covered by
 * the next one, so every entry is checked within at most two intervals of its load and one interval of any change after
 * that.
 */
@ApplicationScoped
public class Resync {

    private static final Logger LOG = Logger.getLogger(Resync.class);
    static final int SLICES = 20;

    private final KeyCache cache;
    private final KeyLoader loader;
    private final CacheRefresher refresher;
    private final VerifyMetrics metrics;
    private final LatchkeyConfig.Verify config;
    private volatile boolean running;
    private Thread thread;
    private Iterator<CachedKey> cycle;
    private int perSlice;
    private int slice;
    private long cycleNanos;
    private long cycleKeys;
    private volatile double lastCycleSeconds;
    private volatile long lastCycleKeys;

    public Resync(KeyCache cache, KeyLoader loader, CacheRefresher refresher, VerifyMetrics metrics,
            LatchkeyConfig config) {
        this.cache = cache;
        this.loader = loader;
        this.refresher = refresher;
        this.metrics = metrics;
        this.config = config.verify();
        metrics.gauge(VerifyMetrics.RESYNC_CYCLE_SECONDS,
                "Time the last complete resync cycle spent in database queries", () -> lastCycleSeconds);
        metrics.gauge(VerifyMetrics.RESYNC_CYCLE_KEYS, "Cached keys compared by the last complete resync cycle",
                () -> lastCycleKeys);
    }

    void start(@Observes StartupEvent event) {
        if (!config.cacheEnabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "latchkey-resync");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        long tick = Math.max(10, config.resyncInterval().toMillis() / (2L * SLICES)); // a cycle: half an interval
        while (running) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            if (!cache.warmed()) {
                continue;
            }
            try {
                step();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("resync slice deferred: %s", e.getMessage());
            }
        }
    }

    /** One slice: at a cycle's start also organizations and members. Returns how many entries were repaired. */
    public synchronized int step() throws SQLException {
        int repaired = 0;
        long start = System.nanoTime();
        if (cycle == null || slice >= SLICES) {
            if (cycle != null) {
                lastCycleSeconds = cycleNanos / 1e9;
                lastCycleKeys = cycleKeys;
            }
            cycleNanos = 0;
            cycleKeys = 0;
            repaired += checkShared();
            cycle = cache.keys().iterator();
            perSlice = (int) Math.max(1, (cache.size() + SLICES - 1) / SLICES);
            slice = 0;
        }
        slice++;
        List<CachedKey> batch = new ArrayList<>(perSlice);
        while (batch.size() < perSlice && cycle.hasNext()) {
            batch.add(cycle.next());
        }
        repaired += checkKeys(batch);
        cycleNanos += System.nanoTime() - start;
        cycleKeys += batch.size();
        if (repaired > 0) {
            metrics.repaired(repaired);
            LOG.infof("resync repaired %d cache entries that the change feed had not", repaired);
        }
        return repaired;
    }

    /** Runs whole cycles until every entry cached now has been checked once (tests, and the benchmark). */
    public synchronized int fullCycle() throws SQLException {
        cycle = null;
        int repaired = 0;
        do {
            repaired += step();
        } while (slice < SLICES);
        return repaired;
    }

    private int checkKeys(List<CachedKey> batch) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        long[] ids = new long[batch.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i).id();
        }
        Map<Long, Long> fingerprints = loader.keyFingerprints(ids);
        List<String> stale = new ArrayList<>();
        for (CachedKey k : batch) {
            CachedKey now = cache.get(k.keyId());
            if (now == null) {
                continue; // evicted meanwhile: the next request loads it
            }
            Long fp = fingerprints.get(now.id());
            if (fp == null || fp != now.fingerprint()) {
                stale.add(now.keyId());
            }
        }
        return stale.isEmpty() ? 0 : refresher.refreshKeys(stale);
    }

    private int checkShared() throws SQLException {
        List<Long> orgIds = new ArrayList<>();
        List<MemberRef> members = new ArrayList<>();
        Map<MemberRef, Long> memberPrints = new HashMap<>();
        for (OrgHandle h : cache.handles()) {
            if (h.state() != null) {
                orgIds.add(h.id());
            }
            h.forEachMember((subject, rights) -> {
                MemberRef ref = new MemberRef(h.id(), subject);
                members.add(ref);
                memberPrints.put(ref, rights.fingerprint());
            });
        }
        long generation = cache.generation();
        Map<Long, OrgState> orgs = loader.loadOrgs(orgIds);
        List<Long> staleOrgs = new ArrayList<>();
        for (Long id : orgIds) {
            OrgHandle h = cache.existingHandle(id);
            OrgState fresh = orgs.get(id);
            if (h.state() != null && (fresh == null || fresh.fingerprint() != h.state().fingerprint())) {
                staleOrgs.add(id);
            }
        }
        refresher.install(staleOrgs, orgs, generation);
        generation = cache.generation();
        Map<MemberRef, MemberRights> rights = loader.loadMembers(members);
        List<MemberRef> staleMembers = new ArrayList<>();
        for (MemberRef ref : members) {
            MemberRights fresh = rights.getOrDefault(ref, MemberRights.ABSENT);
            if (fresh.fingerprint() != memberPrints.get(ref) || fresh.member() != isMember(ref)) {
                staleMembers.add(ref);
            }
        }
        refresher.installMembers(staleMembers, rights, generation);
        return staleOrgs.size() + staleMembers.size();
    }

    private boolean isMember(MemberRef ref) {
        OrgHandle h = cache.existingHandle(ref.orgId());
        MemberRights r = h == null ? null : h.member(ref.subject());
        return r != null && r.member();
    }
}
