-- Verify outcomes per key and hour, aggregated in memory and flushed in batches.
CREATE TABLE key_usage_hourly (
    api_key_id bigint      NOT NULL CONSTRAINT fk_key_usage_api_key REFERENCES api_keys (id) ON DELETE CASCADE,
    hour       timestamptz NOT NULL,
    outcome    varchar(32) NOT NULL,
    count      bigint      NOT NULL,
    CONSTRAINT pk_key_usage_hourly PRIMARY KEY (api_key_id, hour, outcome)
);
