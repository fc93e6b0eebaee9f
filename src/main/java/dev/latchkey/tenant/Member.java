package dev.latchkey.tenant;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A user (JWT subject) in an organization: org role, org-wide role, per-workspace roles (tables {@code members} and
 * {@code member_workspace_roles}).
 */
public class Member {

    public Long id;
    public Long organizationId;
    public String subject;
    public String orgRole;
    public String role;
    /** workspace id -> role name */
    public Map<Long, String> workspaceRoles = new HashMap<>();
    public Instant createdAt;
    public Instant updatedAt;
}
