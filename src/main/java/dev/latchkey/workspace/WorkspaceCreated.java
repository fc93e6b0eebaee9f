package dev.latchkey.workspace;

/** Fired inside the transaction when a workspace is created (organization-wide keys now reach it). */
public record WorkspaceCreated(long organizationId, long workspaceId, String slug) {
}
