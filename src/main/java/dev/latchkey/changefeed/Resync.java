package dev.latchkey.changefeed;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.keycache.CacheRefresher;
import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.keycache.KeyLoader;
import dev.latchkey.keycache.MemberRights;
import dev.latchkey.keycache.OrgHandle;
import dev.latchkey.keycache.OrgLoader;
import dev.latchkey.keycache.OrgLoader.MemberRef;
import dev.latchkey.keycache.OrgState;

/**
 * The safety net that does not depend on the change feed (README, "How it stays fast and correct"): within every
 * {@code resync-interval}, every cached key, organization state and member's rights is compared with the database, and
 * whatever differs is reloaded (or dropped). A change that bypassed the service — an operator's SQL, a restored backup
 * — therefore stops a revoked key on every replica within one interval.
 * <p>
 * The comparison is by fingerprint: PostgreSQL computes, from the row version ({@code xmin}) and the workspace set, a
 * number that changes with every write, so a check reads 8 bytes per key. A cycle walks the key table in
 * {@link #SLICES} id ranges (index range scans, not look-ups of scattered ids) over half the interval, compares each
 * row with the cached entry, and stamps the entry as seen; at the cycle's end, a cached entry that no slice found (its
 * row was deleted, or is missing from a restored backup) is dropped. Organizations and members are compared at each
 * cycle's start. A key id remembered as unknown that now has a row is forgotten.
 * <p>
 * <b>Why the bound holds.</b> The ranges of one cycle cover every row id that existed when it started; an entry made
 * later is stamped with the cycle it was made in. So two consecutive checks of one entry are at most two cycles — one
 * interval — apart, and a change made at any moment is seen at the next check, within one interval.
 */
@ApplicationScoped
public class Resync {

    private static final Logger LOG = Logger.getLogger(Resync.class);
    static final int SLICES = 20;

    private final KeyCache cache;
    private final KeyLoader loader;
    private final OrgLoader orgLoader;
    private final CacheRefresher refresher;
    private final FeedMetrics metrics;
    private final LatchkeyConfig.Verify config;
    private volatile boolean running;
    private Thread thread;
    private long[] range;
    private long stepIds;
    private int slice;
    private int cycle;
    private boolean cycleFailed;
    private long cycleNanos;
    private long cycleKeys;
    private volatile double lastCycleSeconds;
    private volatile long lastCycleKeys;

    public Resync(KeyCache cache, KeyLoader loader, OrgLoader orgLoader, CacheRefresher refresher, FeedMetrics metrics,
            LatchkeyConfig config) {
        this.cache = cache;
        this.loader = loader;
        this.orgLoader = orgLoader;
        this.refresher = refresher;
        this.metrics = metrics;
        this.config = config.verify();
        metrics.gauge(FeedMetrics.RESYNC_CYCLE_SECONDS, "Time the last complete resync cycle spent in database queries",
                () -> lastCycleSeconds);
        metrics.gauge(FeedMetrics.RESYNC_CYCLE_KEYS, "Key rows compared by the last complete resync cycle",
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

    /**
     * One slice of the current cycle (starting one, and finishing the last, as needed). Returns the repairs. A cycle
     * with a failed slice (the database went away) is not finished: its entries were not all looked for, so none may be
     * taken for deleted — during an outage known keys must keep verifying.
     */
    public synchronized int step() throws SQLException {
        long start = System.nanoTime();
        int repaired = 0;
        try {
            if (range == null || slice >= SLICES) {
                if (range != null && !cycleFailed) {
                    repaired += finishCycle();
                }
                range = null;
                repaired += startCycle();
            }
            repaired += scanSlice();
        } catch (SQLException | RuntimeException e) {
            cycleFailed = true;
            throw e;
        } finally {
            cycleNanos += System.nanoTime() - start;
            if (repaired > 0) {
                metrics.repaired(repaired);
                LOG.infof("resync repaired %d cache entries that the change feed had not", repaired);
            }
        }
        return repaired;
    }

    /** Runs one whole cycle now (tests, and the benchmark): every cached entry is checked once. */
    public synchronized int fullCycle() throws SQLException {
        range = null;
        int repaired = startCycle();
        while (slice < SLICES) {
            repaired += scanSlice();
        }
        repaired += finishCycle();
        range = null;
        if (repaired > 0) {
            metrics.repaired(repaired);
        }
        return repaired;
    }

    private int startCycle() throws SQLException {
        long[] ids = loader.keyIdRange();
        cycle = cache.beginResyncCycle();
        range = ids;
        stepIds = Math.max(1, (range[1] - range[0] + SLICES) / SLICES);
        slice = 0;
        cycleFailed = false;
        cycleNanos = 0;
        cycleKeys = 0;
        return checkShared();
    }

    /** Compares the rows of the next id range with the cached entries. */
    private int scanSlice() throws SQLException {
        long from = range[0] + slice * stepIds;
        long to = slice == SLICES - 1 ? range[1] + 1 : from + stepIds;
        slice++;
        if (from > range[1]) {
            return 0;
        }
        int repaired = 0;
        List<String> stale = new ArrayList<>();
        for (KeyLoader.Fingerprint row : loader.keyFingerprints(from, to)) {
            cycleKeys++;
            CachedKey k = cache.peek(row.keyId());
            if (k != null) {
                k.seenIn(cycle);
                // a key this replica just changed on the primary may be newer than the standby read here
                if (k.fingerprint() != row.fingerprint() && !cache.pinnedToPrimary(row.keyId())) {
                    stale.add(row.keyId());
                }
            } else if (cache.isKnownUnknown(row.keyId())) {
                cache.forgetUnknown(row.keyId()); // created or restored behind the service's back
                repaired++;
            }
        }
        return repaired + (stale.isEmpty() ? 0 : refresher.refreshKeys(stale));
    }

    /** Cached entries whose row no cycle slice found (deleted, or missing from a restored backup) are dropped. */
    private int finishCycle() throws SQLException {
        lastCycleSeconds = cycleNanos / 1e9;
        lastCycleKeys = cycleKeys;
        List<String> gone = new ArrayList<>();
        for (CachedKey k : cache.keys()) {
            if (k.seenInCycle() < cycle && !cache.pinnedToPrimary(k.keyId())) {
                gone.add(k.keyId());
            }
        }
        return gone.isEmpty() ? 0 : refresher.refreshKeys(gone);
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
        Map<Long, OrgState> orgs = orgLoader.loadOrgs(orgIds);
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
        Map<MemberRef, MemberRights> rights = orgLoader.loadMembers(members);
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
