package dev.latchkey.workspace;

/**
 * Fired synchronously, inside the deleting transaction, when a workspace is deleted: keys and members drop it from
 * their scopes and roles in the same commit.
 */
public record WorkspaceDeleted(long organizationId, long workspaceId, String slug) {
}
