-- Last successful use per key, apart from the key row: the usage flush writes it for every used key every
-- 30 s, and rewriting api_keys for that gave each used key a new row version, which the resync (comparing
-- row versions) took for a change. Keys keep their own row for what they are.
CREATE TABLE key_last_used (
    api_key_id bigint      NOT NULL CONSTRAINT pk_key_last_used PRIMARY KEY
                           CONSTRAINT fk_key_last_used_api_key REFERENCES api_keys (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL
);
INSERT INTO key_last_used (api_key_id, at) SELECT id, last_used_at FROM api_keys WHERE last_used_at IS NOT NULL;
ALTER TABLE api_keys DROP COLUMN last_used_at;
