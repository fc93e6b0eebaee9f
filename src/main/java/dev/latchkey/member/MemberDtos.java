package dev.latchkey.member;

import java.time.Instant;
import java.util.Map;

import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request and response shapes of the member API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
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
