-- The workspaces a key is scoped to (empty for keys scoped to all workspaces).
CREATE TABLE api_key_workspaces (
    api_key_id   bigint NOT NULL CONSTRAINT fk_akw_api_key REFERENCES api_keys (id) ON DELETE CASCADE,
    workspace_id bigint NOT NULL CONSTRAINT fk_akw_workspace REFERENCES workspaces (id),
    CONSTRAINT pk_api_key_workspaces PRIMARY KEY (api_key_id, workspace_id)
);
CREATE INDEX ix_akw_workspace ON api_key_workspaces (workspace_id);
