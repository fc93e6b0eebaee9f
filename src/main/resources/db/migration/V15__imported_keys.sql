-- Imported keys (README "Importing keys"): keys whose value came from another system keep working with it.
-- The key's secret hash is the usual one (HMAC-SHA-256 with the pepper, or SHA-256) taken over SHA-256 of the value
-- with its import prefix removed, so that a key imported by its SHA-256 alone is stored the same way as one imported by
-- value. import_prefix is that prefix ('' for none). imported_secret says which of the key's two hashes holds the
-- imported value: 'current', or 'previous' after a rotation until its grace period ends; null when neither does.
alter table api_keys add column import_system varchar(64);
alter table api_keys add column imported_at timestamptz;
alter table api_keys add column import_prefix varchar(32);
alter table api_keys add column imported_secret varchar(8);
alter table api_keys add constraint ck_api_keys_import
    check ((import_system is null) = (imported_at is null)
           and (import_system is null) = (import_prefix is null)
           and (imported_secret is null or import_system is not null)
           and (imported_secret is null or imported_secret in ('current', 'previous')));
-- the hot path's index of imported values is loaded from these rows; the import checks duplicates through them
create index ix_api_keys_imported_current on api_keys (secret_hash) where import_system is not null;
create index ix_api_keys_imported_previous on api_keys (previous_secret_hash) where imported_secret = 'previous';
