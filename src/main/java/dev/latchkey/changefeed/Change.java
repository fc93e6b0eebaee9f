package dev.latchkey.changefeed;

/**
 * One row of the change outbox ({@code key_invalidations}): a key changed ({@code keyId}), a member changed
 * ({@code subject}), or something organization-wide (neither: roles, workspaces).
 *
 * @param id
 *            the row id (unique; says nothing about commit order)
 * @param txid
 *            the writing transaction's id ({@code xid8}), which the feed orders and advances by
 */
public record Change(long id, long txid, long orgId, String keyId, String subject, long writtenAtMillis) {

    /** A key's own row changed. */
    public static Change key(long id, long txid, long orgId, String keyId) {
        return new Change(id, txid, orgId, keyId, null, 0);
    }
}
