package dev.latchkey.role;

import java.time.Instant;

/** A custom role of an organization: a named set of permissions (table {@code roles}). */
public class Role {

    public Long id;
    public Long organizationId;
    public String name;
    public String[] permissions;
    public Instant createdAt;
    public Instant updatedAt;
}
