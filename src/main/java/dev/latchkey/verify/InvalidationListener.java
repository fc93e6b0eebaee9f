package dev.latchkey.verify;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The read side of cross-replica invalidation. A dedicated thread holds its own PostgreSQL connection (not from the
 * pool) with {@code LISTEN}; on a notification, and every reconcile interval anyway, it reads the outbox from the last
 * id it saw and refreshes the affected keys. It warms the cache at start-up, reconnects by itself, and catches up with
 * everything it missed while disconnected. Each successful outbox read marks the cache as in sync; an outage stops that
 * clock, which is what the staleness limit is measured against.
 */
@ApplicationScoped
public class InvalidationListener {

    private static final Logger LOG = Logger.getLogger(InvalidationListener.class);

    private final KeyCache cache;
    private final SnapshotLoader loader;
    private final VerifyMetrics metrics;
    private final LatchkeyConfig.Verify config;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private volatile boolean running;
    private Thread thread;
    private long lastSeen = -1;

    public InvalidationListener(KeyCache cache, SnapshotLoader loader, VerifyMetrics metrics, LatchkeyConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.cache = cache;
        this.loader = loader;
        this.metrics = metrics;
        this.config = config.verify();
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "latchkey-invalidations");
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
        boolean reportedDown = false;
        while (running) {
            try (Connection c = connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + InvalidationPublisher.CHANNEL);
                }
                synchronize(c);
                if (reportedDown) {
                    LOG.info("Database reachable again; key cache caught up");
                    reportedDown = false;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                long reconcileEvery = config.reconcileInterval().toMillis();
                long nextReconcile = System.currentTimeMillis() + reconcileEvery;
                while (running) {
                    PGNotification[] notes = pg.getNotifications(250);
                    boolean notified = notes != null && notes.length > 0;
                    if (notified || System.currentTimeMillis() >= nextReconcile) {
                        catchUp(c, !notified);
                        nextReconcile = System.currentTimeMillis() + reconcileEvery;
                    }
                }
            } catch (Exception e) {
                cache.markDatabaseDown();
                if (!reportedDown && running) {
                    LOG.warnf("Invalidation listener lost the database (%s); known keys are served from memory "
                            + "for up to %s", e.getMessage(), config.maxStaleness());
                    reportedDown = true;
                }
                sleep(config.reconnectDelay().toMillis());
            }
        }
    }

    /** First connection: warm the cache. Reconnection: catch up with the outbox (or reload all if it was pruned). */
    private void synchronize(Connection c) throws SQLException {
        long max = scalar(c, "select coalesce(max(id), 0) from key_invalidations");
        if (!cache.warmed()) {
            warmUp();
            lastSeen = max;
            cache.markWarmed();
            cache.markInSync();
            return;
        }
        long min = scalar(c, "select coalesce(min(id), 0) from key_invalidations");
        if (min > lastSeen + 1) {
            LOG.warn("Outbox no longer holds every change since the last sync; reloading the key cache");
            cache.clear();
            warmUp();
            lastSeen = max;
            cache.markInSync();
            return;
        }
        catchUp(c, true);
    }

    private void warmUp() throws SQLException {
        if (!config.cacheEnabled()) {
            return;
        }
        long start = System.nanoTime();
        List<KeySnapshot> keys = loader.loadForWarmUp(config.cacheMaxSize());
        keys.forEach(cache::put);
        LOG.infof("Key cache warmed with %d keys in %d ms", keys.size(), (System.nanoTime() - start) / 1_000_000);
    }

    /** Reads the outbox after {@code lastSeen} and refreshes what it names; marks the cache in sync. */
    void catchUp(Connection c, boolean periodic) throws SQLException {
        while (true) {
            Set<String> keyIds = new LinkedHashSet<>();
            Map<Long, Boolean> orgs = new HashMap<>();
            int rows = 0;
            try (PreparedStatement s = c.prepareStatement(
                    "select id, organization_id, key_id from key_invalidations where id > ? order by id limit 5000")) {
                s.setLong(1, lastSeen);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        lastSeen = rs.getLong(1);
                        String keyId = rs.getString(3);
                        if (keyId == null) {
                            orgs.put(rs.getLong(2), Boolean.TRUE);
                        } else {
                            keyIds.add(keyId);
                        }
                    }
                }
            }
            int refreshed = 0;
            if (config.cacheEnabled()) {
                // evict first: from this instant a request for an affected key loads the committed state
                // itself; the reload below only spares it that trip
                Map<Long, List<String>> orgKeys = new HashMap<>();
                for (Long org : orgs.keySet()) {
                    orgKeys.put(org, cache.keyIdsOf(org));
                    cache.evictOrganization(org);
                }
                Set<String> wasCached = new LinkedHashSet<>();
                for (String keyId : keyIds) {
                    if (cache.contains(keyId)) {
                        wasCached.add(keyId);
                    }
                    cache.evict(keyId);
                }
                for (var e : orgKeys.entrySet()) {
                    refreshed += reloadOrganization(e.getKey(), e.getValue());
                }
                for (String keyId : wasCached) {
                    loader.load(keyId).ifPresent(cache::put);
                    refreshed++;
                }
            }
            if (rows > 0) {
                LOG.debugf("applied %d outbox rows (%d orgs, %d keys), %d entries refreshed", rows, orgs.size(),
                        keyIds.size(), refreshed);
            }
            if (refreshed > 0) {
                metrics.invalidated(refreshed);
                if (periodic) {
                    metrics.repaired(refreshed);
                }
            }
            if (rows < 5000) {
                break;
            }
        }
        cache.markInSync();
    }

    /** Reloads the keys of an organization that were cached. */
    private int reloadOrganization(long orgId, List<String> wereCached) throws SQLException {
        if (wereCached.isEmpty()) {
            return 0;
        }
        Map<String, KeySnapshot> fresh = new HashMap<>();
        for (KeySnapshot s : loader.loadOrganization(orgId)) {
            fresh.put(s.keyId(), s);
        }
        for (String keyId : wereCached) {
            KeySnapshot s = fresh.get(keyId);
            if (s != null) {
                cache.put(s);
            } else {
                loader.load(keyId).ifPresent(cache::put); // deleted keys: cached as revoked
            }
        }
        return wereCached.size();
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        password.ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "latchkey-invalidations");
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        return c;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
