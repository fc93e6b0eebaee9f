-- Per-workspace roles of a member.
CREATE TABLE member_workspace_roles (
    member_id    bigint      NOT NULL CONSTRAINT fk_mwr_member REFERENCES members (id) ON DELETE CASCADE,
    workspace_id bigint      NOT NULL CONSTRAINT fk_mwr_workspace REFERENCES workspaces (id),
    role         varchar(64) NOT NULL,
    CONSTRAINT pk_member_workspace_roles PRIMARY KEY (member_id, workspace_id)
);
CREATE INDEX ix_mwr_workspace ON member_workspace_roles (workspace_id);
