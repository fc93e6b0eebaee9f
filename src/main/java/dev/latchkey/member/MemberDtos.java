package dev.latchkey.member;

import java.time.Instant;
import java.util.Map;

import jakarta.validation.constraints.Size;

/** Request and response shapes of the member API. */
public final class MemberDtos {

    private MemberDtos() {
    }

    /**
     * {@code PUT .../members/{subject}}: the whole membership. {@code orgRole} defaults to member; {@code role} is the
     * org-wide role; {@code workspaceRoles} maps workspace slug to role.
     */
    public record PutMember(String orgRole, String role, @Size(max = 1000) Map<String, String> workspaceRoles) {
    }

    /** A member. */
    public record MemberView(String subject, String orgRole, String role, Map<String, String> workspaceRoles,
            Instant createdAt, Instant updatedAt) {
    }
}
