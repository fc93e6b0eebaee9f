package dev.latchkey.changefeed;

import java.sql.SQLException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.jboss.logging.Logger;

import dev.latchkey.apikey.KeyChanged;
import dev.latchkey.apikey.KeysImported;
import dev.latchkey.common.db.Databases;
import dev.latchkey.common.db.Db;
import dev.latchkey.keycache.CacheRefresher;
import dev.latchkey.keycache.ImportIndex;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.keycache.OrgLoader.MemberRef;
import dev.latchkey.member.MemberChanged;
import dev.latchkey.role.RoleChanged;
import dev.latchkey.workspace.WorkspaceCreated;
import dev.latchkey.workspace.WorkspaceDeleted;

/**
 * The write side of the change feed: every change that a verify answer could see adds a row to the outbox and a NOTIFY,
 * both inside the changing transaction, so they happen exactly when the change commits (and never when it rolls back).
 * A key change names the key; a member change names the member; role and workspace changes name the organization. After
 * the commit this replica also refreshes its own cache at once, before the caller gets its answer, so that it never
 * answers from the state it just changed. A replica that reads a standby reads that state back from the primary, where
 * it committed: its standby may not have replayed it yet (README "Regions and failover").
 */
@ApplicationScoped
public class ChangePublisher {

    public static final String CHANNEL = "latchkey_invalidations";
    private static final Logger LOG = Logger.getLogger(ChangePublisher.class);

    private final Db db;
    private final KeyCache cache;
    private final CacheRefresher refresher;
    private final ImportIndex imports;
    private final boolean readsStandby;

    public ChangePublisher(Db db, KeyCache cache, CacheRefresher refresher, ImportIndex imports, Databases databases) {
        this.db = db;
        this.cache = cache;
        this.refresher = refresher;
        this.imports = imports;
        this.readsStandby = databases.split();
    }

    void onKey(@Observes KeyChanged e) {
        publish(e.organizationId(), e.keyId(), null);
    }

    /** This replica's own imports are found at once (each key's change above brings them to the other replicas). */
    void onImported(@Observes(during = TransactionPhase.AFTER_SUCCESS) KeysImported e) {
        e.entries().forEach(x -> imports.add(x.keyId(), x.prefix(), x.hash()));
    }

    void onRole(@Observes RoleChanged e) {
        publish(e.organizationId(), null, null);
    }

    void onMember(@Observes MemberChanged e) {
        publish(e.organizationId(), null, e.subject());
    }

    void onWorkspaceCreated(@Observes WorkspaceCreated e) {
        publish(e.organizationId(), null, null);
    }

    void onWorkspaceDeleted(@Observes WorkspaceDeleted e) {
        publish(e.organizationId(), null, null);
    }

    void evictKey(@Observes(during = TransactionPhase.AFTER_SUCCESS) KeyChanged e) {
        cache.evict(e.keyId());
        if (readsStandby) {
            // a request's miss would read the standby, which may not have the change yet: read it where it committed
            try {
                refresher.reloadFromPrimary(e.keyId());
            } catch (SQLException | RuntimeException ex) {
                LOG.debugf("key reload from the primary deferred to the feed: %s", ex.getMessage());
            }
        }
    }

    void refreshOnRole(@Observes(during = TransactionPhase.AFTER_SUCCESS) RoleChanged e) {
        refreshOrg(e.organizationId());
    }

    void refreshOnWorkspaceCreated(@Observes(during = TransactionPhase.AFTER_SUCCESS) WorkspaceCreated e) {
        refreshOrg(e.organizationId());
    }

    void refreshOnWorkspaceDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) WorkspaceDeleted e) {
        refreshOrg(e.organizationId());
    }

    void refreshOnMember(@Observes(during = TransactionPhase.AFTER_SUCCESS) MemberChanged e) {
        try {
            List<MemberRef> ref = List.of(new MemberRef(e.organizationId(), e.subject()));
            if (readsStandby) {
                refresher.refreshMembersFromPrimary(ref);
            } else {
                refresher.refreshMembers(ref);
            }
        } catch (SQLException | RuntimeException ex) {
            cache.invalidateMember(e.organizationId(), e.subject());
            LOG.debugf("member refresh deferred to the feed: %s", ex.getMessage());
        }
    }

    private void refreshOrg(long orgId) {
        try {
            if (readsStandby) {
                refresher.refreshOrgsFromPrimary(List.of(orgId));
            } else {
                refresher.refreshOrgs(List.of(orgId));
            }
        } catch (SQLException | RuntimeException ex) {
            cache.invalidateOrg(orgId);
            LOG.debugf("organization refresh deferred to the feed: %s", ex.getMessage());
        }
    }

    private void publish(long orgId, String keyId, String subject) {
        // clock_timestamp(), not now(): when the row was written, moments before the commit (now() is the
        // transaction's start), so that replicas can measure their feed lag
        db.update("insert into key_invalidations (organization_id, key_id, subject, created_at)"
                + " values (?, ?, ?, clock_timestamp())", orgId, keyId, subject);
        db.list("select pg_notify('" + CHANNEL + "', '')", rs -> 0);
    }
}
