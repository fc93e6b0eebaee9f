package dev.latchkey.changefeed;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.latchkey.common.StartHeap;
import dev.latchkey.common.db.DatabaseRoles;
import dev.latchkey.common.db.Databases;
import dev.latchkey.common.db.SchemaMigrations;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.keycache.CacheRefresher;
import dev.latchkey.keycache.ImportIndex;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.keycache.OrgLoader.MemberRef;

/**
 * The read side of the change feed. A dedicated thread holds its own PostgreSQL connection (not from the pool) with
 * {@code LISTEN}; on a notification, and every {@code poll-interval} anyway, it reads the outbox through
 * {@link ChangeFeed} (which never skips a committed change) and refreshes what the rows name. It warms the cache at
 * start-up and reconnects by itself; the feed's position survives reconnections, so nothing committed meanwhile is
 * missed. If the pruner deleted rows this replica had not read, it reloads the whole cache. Each successful read marks
 * the cache in sync; an outage stops that clock, which is what the staleness limit is measured against.
 * <p>
 * <b>On a standby</b> (a regional replica's nearby read replica) there is no {@code LISTEN}: PostgreSQL refuses it
 * during recovery and never delivers notifications there. The outbox is read every {@code standby-poll-interval}
 * instead, under the same no-skip argument (a standby's snapshots are the primary's commits as replayed, see
 * {@link ChangeFeed}), and the cache counts as in sync as of that read minus the standby's replication lag.
 * <p>
 * <b>Another server.</b> When a reconnection reaches a different server, or the same one restarted (a failover to the
 * standby, a crash), the cache is loaded anew and the feed restarts from that load's snapshot: transaction ids are not
 * unique across such a switch (an id the old server handed out without its WAL reaching the new one may be handed out
 * again), so a horizon read on one server proves nothing on the other.
 */
@ApplicationScoped
public class ChangeListener {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    static final int BATCH = 5_000;

    private final KeyCache cache;
    private final CacheRefresher refresher;
    private final ImportIndex imports;
    private final FeedMetrics metrics;
    private final LatchkeyConfig.Verify config;
    private final DatabaseRoles roles;
    private final Databases databases;
    private final SchemaMigrations schema;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final ChangeFeed feed = new ChangeFeed(0);
    /** The feed's horizon after the last poll, for other threads (the feed itself is this thread's alone). */
    private volatile long horizonAfterPoll;
    /** Reloads evicted keys; when it falls behind, reloads are dropped (requests load the keys themselves). */
    private final ThreadPoolExecutor reloads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "latchkey-reloads");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private volatile boolean running;
    private Thread thread;
    /** The server the last connection reached (its address and start time), null before the first. */
    private String server;
    /** Whether the current connection reached a standby (set at each connection, this thread's alone). */
    private boolean readingStandby;

    public ChangeListener(KeyCache cache, CacheRefresher refresher, ImportIndex imports, FeedMetrics metrics,
            DatabaseRoles roles, Databases databases, SchemaMigrations schema, LatchkeyConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.cache = cache;
        this.refresher = refresher;
        this.imports = imports;
        this.metrics = metrics;
        this.roles = roles;
        this.databases = databases;
        this.schema = schema;
        this.config = config.verify();
        this.url = url;
        this.user = user;
        this.password = password;
        metrics.gauge(FeedMetrics.FEED_PENDING,
                "Changes applied above the feed horizon, waiting for older transactions to finish", feed::pending);
    }

    /** First of the start-up observers: the connection opens while the schema check runs (see {@link #run}). */
    void start(@Observes @Priority(0) StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "latchkey-changes");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        reloads.shutdownNow();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        boolean reportedDown = false;
        while (running) {
            try (Connection c = connect()) {
                DatabaseRoles.Seen seen = DatabaseRoles.look(c);
                roles.readsSeen(seen);
                boolean standby = seen.role() == DatabaseRoles.Role.STANDBY;
                readingStandby = standby;
                if (!standby) {
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN " + ChangePublisher.CHANNEL);
                    }
                }
                String reached = identity(c);
                // nothing above reads a table; the reload and the feed do, so they wait for the start-up migration
                // (at once after the first connection)
                schema.awaitCurrent();
                if (!cache.warmed()) {
                    reload(c);
                    // before readiness: no request waits on its pause, and RSS read at ready is the lower figure
                    StartHeap.release(config.releaseStartHeap());
                    cache.markWarmed();
                } else if (!reached.equals(server)) {
                    LOG.infof("The change listener now reads another server (%s, before %s); reloading the key cache",
                            reached, server);
                    databases.serverChanged(); // before the reload's misses borrow a dead connection
                    reload(c);
                }
                server = reached;
                poll(c); // LISTEN is in place: from here on every commit notifies or is read by this poll
                if (reportedDown) {
                    LOG.info("Database reachable again; key cache caught up");
                    reportedDown = false;
                }
                if (standby) {
                    LOG.infof("Reading a standby: the outbox is polled every %s", config.standbyPollInterval());
                    pollStandby(c);
                } else {
                    listen(c);
                }
            } catch (Exception e) {
                cache.markDatabaseDown();
                roles.readsLost();
                if (!reportedDown && running) {
                    LOG.warnf("Change listener lost the database (%s); known keys are served from memory "
                            + "for up to %s", e.getMessage(), config.maxStaleness());
                    reportedDown = true;
                }
                sleep(config.reconnectDelay().toMillis());
            }
        }
    }

    /** On a primary: reads the feed on each notification, and every {@code poll-interval} anyway. */
    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long every = config.pollInterval().toMillis();
        long next = System.currentTimeMillis() + every;
        while (running) {
            PGNotification[] notes = pg.getNotifications(250);
            if ((notes != null && notes.length > 0) || System.currentTimeMillis() >= next) {
                poll(c);
                next = System.currentTimeMillis() + every;
            }
        }
    }

    /** On a standby, which delivers no notifications: reads the feed every {@code standby-poll-interval}. */
    private void pollStandby(Connection c) throws SQLException {
        long every = config.standbyPollInterval().toMillis();
        while (running) {
            sleep(every);
            poll(c);
        }
    }

    /**
     * The server behind a connection: its address, port and start time. A failover reaches another address; a crash and
     * restart of the same server, another start time. A standby promoted in place keeps both, and rightly so: its
     * transaction ids continue the ones its snapshots showed while it was a standby.
     */
    private static String identity(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(
                        "select coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port(), 0)"
                                + " || ' started ' || pg_postmaster_start_time()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Full load: the feed restarts at the xmin of a snapshot taken before the load read anything. */
    private void reload(Connection c) throws SQLException {
        long xmin = OutboxReader.snapshotXmin(c);
        metrics.reloaded();
        cache.clear();
        imports.reload(); // whether or not keys are cached: the foreign path needs it either way
        if (config.cacheEnabled()) {
            refresher.warmUp(config.cacheMaxSize());
        }
        feed.restart(xmin);
    }

    /** Reads the feed until it is drained, applying what it returns; marks the cache in sync. */
    void poll(Connection c) throws SQLException {
        ChangeFeed.Source outbox = (horizon, afterTxid, afterId, limit) -> OutboxReader.read(c, horizon, afterTxid,
                afterId, limit);
        if (!feed.drain(outbox, BATCH, this::apply)) {
            LOG.warn("The outbox was pruned past what this replica had read; reloading the key cache");
            reload(c);
            feed.drain(outbox, BATCH, this::apply);
        }
        horizonAfterPoll = feed.horizon();
        cache.unpinBelow(horizonAfterPoll); // this replica's own changes the standby now has
        if (readingStandby) {
            // after the read: the lag then bounds how old what it read was (a standby's replay only moves forward)
            DatabaseRoles.Seen seen = DatabaseRoles.look(c);
            roles.readsSeen(seen);
            cache.markInSync((long) (seen.lagSeconds() * 1e9));
        } else {
            cache.markInSync(0);
        }
    }

    /**
     * Every transaction below this had been applied at the last poll. Once it is above the pruner's mark, no row this
     * replica could have missed was pruned, so that mark makes it reload no more.
     */
    long horizonAfterPoll() {
        return horizonAfterPoll;
    }

    /** Refreshes what the changes name: keys (evict, reload), organizations' shared state, members' rights. */
    void apply(Collection<Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        Set<Long> orgs = new LinkedHashSet<>();
        Set<MemberRef> members = new LinkedHashSet<>();
        for (Change ch : changes) {
            if (ch.keyId() != null) {
                keys.add(ch.keyId());
            } else if (ch.subject() != null) {
                members.add(new MemberRef(ch.orgId(), ch.subject()));
            } else {
                orgs.add(ch.orgId());
            }
        }
        imports.refresh(keys); // an import elsewhere: the index must know it before the feed moves on
        if (!config.cacheEnabled()) {
            return;
        }
        // keys: evicted here, reloaded by another thread, so that this one is back reading the feed at once (a request
        // for an evicted key loads it itself; a reload that another change overtakes is not kept)
        List<String> evicted = refresher.evictKeys(keys);
        if (!evicted.isEmpty()) {
            reloads.execute(() -> {
                try {
                    refresher.reloadKeys(evicted);
                } catch (SQLException | RuntimeException e) {
                    LOG.debugf("reload after eviction skipped: %s", e.getMessage());
                }
            });
        }
        int n = evicted.size() + refresher.refreshOrgs(orgs) + refresher.refreshMembers(members);
        long now = System.currentTimeMillis();
        for (Change ch : changes) {
            metrics.feedLag(now - ch.writtenAtMillis());
        }
        LOG.debugf("applied %d changes (%d keys, %d orgs, %d members), %d entries refreshed", changes.size(),
                keys.size(), orgs.size(), members.size(), n);
        metrics.invalidated(n);
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        password.ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "latchkey-changes");
        p.setProperty("options", "-c jit=off");
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        return c;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
