package dev.latchkey.verify;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import dev.latchkey.apikey.KeyChanged;
import dev.latchkey.member.MemberChanged;
import dev.latchkey.role.RoleChanged;
import dev.latchkey.workspace.WorkspaceCreated;
import dev.latchkey.workspace.WorkspaceDeleted;

/**
 * The write side of cross-replica invalidation: every change that a verify answer could see adds a row to the outbox
 * and a NOTIFY, both inside the changing transaction, so they happen exactly when the change commits. A key change
 * names the key; role, member and workspace changes name the organization (its keys are refreshed).
 */
@ApplicationScoped
public class InvalidationPublisher {

    public static final String CHANNEL = "latchkey_invalidations";

    private final EntityManager em;
    private final KeyCache cache;

    public InvalidationPublisher(EntityManager em, KeyCache cache) {
        this.em = em;
        this.cache = cache;
    }

    /** This replica need not wait for its own notification: evict as soon as the change commits. */
    void evictKey(@Observes(during = TransactionPhase.AFTER_SUCCESS) KeyChanged e) {
        cache.evict(e.keyId());
    }

    void evictOrgOnRole(@Observes(during = TransactionPhase.AFTER_SUCCESS) RoleChanged e) {
        cache.evictOrganization(e.organizationId());
    }

    void evictOrgOnMember(@Observes(during = TransactionPhase.AFTER_SUCCESS) MemberChanged e) {
        cache.evictOrganization(e.organizationId());
    }

    void evictOrgOnWorkspace(@Observes(during = TransactionPhase.AFTER_SUCCESS) WorkspaceCreated e) {
        cache.evictOrganization(e.organizationId());
    }

    void evictOrgOnWorkspaceDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) WorkspaceDeleted e) {
        cache.evictOrganization(e.organizationId());
    }

    void onKey(@Observes KeyChanged e) {
        publish(e.organizationId(), e.keyId());
    }

    void onRole(@Observes RoleChanged e) {
        publish(e.organizationId(), null);
    }

    void onMember(@Observes MemberChanged e) {
        publish(e.organizationId(), null);
    }

    void onWorkspaceCreated(@Observes WorkspaceCreated e) {
        publish(e.organizationId(), null);
    }

    void onWorkspaceDeleted(@Observes WorkspaceDeleted e) {
        publish(e.organizationId(), null);
    }

    private void publish(long orgId, String keyId) {
        em.createNativeQuery("insert into key_invalidations (organization_id, key_id) values (?1, ?2)")
                .setParameter(1, orgId).setParameter(2, keyId).executeUpdate();
        em.createNativeQuery("select pg_notify('" + CHANNEL + "', '')").getSingleResult();
    }
}
