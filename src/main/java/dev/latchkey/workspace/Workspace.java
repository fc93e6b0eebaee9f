package dev.latchkey.workspace;

import java.time.Instant;

/**
 * A workspace of an organization (an Elastic "engine"; table {@code workspaces}). Deleted workspaces keep their row.
 */
public class Workspace {

    public Long id;
    public Long organizationId;
    public String slug;
    public String name;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant deletedAt;
}
