-- The change feed reads the outbox by writing transaction, not by row id: an id is taken when the row is
-- inserted but becomes visible only at commit, so ids commit out of order. Every transaction whose id is
-- below the oldest transaction still running (pg_snapshot_xmin) has finished, so its rows are all there or
-- never will be; that horizon is what a replica advances (see verify/sync/ChangeFeed).
ALTER TABLE key_invalidations ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
-- A member change names the member, so that a replica reloads one member instead of the organization.
ALTER TABLE key_invalidations ADD COLUMN subject varchar(255);
CREATE INDEX ix_key_invalidations_txid ON key_invalidations (txid);
-- The highest transaction id whose outbox rows were pruned: a replica whose horizon is at or below it may
-- have missed rows and reloads its whole cache.
CREATE TABLE key_invalidations_pruned (
    id            smallint NOT NULL CONSTRAINT pk_key_invalidations_pruned PRIMARY KEY,
    through_txid  xid8     NOT NULL,
    CONSTRAINT ck_key_invalidations_pruned_single CHECK (id = 1)
);
INSERT INTO key_invalidations_pruned (id, through_txid) VALUES (1, '0');
