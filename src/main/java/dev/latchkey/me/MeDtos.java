package dev.latchkey.me;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer of {@code GET /api/v1/me}: who the caller is and what it may do. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class MeDtos {

    private MeDtos() {
    }

    /** The caller. Users list their memberships; keys their organization, scope and permissions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Me(String type, String subject, Boolean platformAdmin, List<Membership> memberships, String keyId,
            String name, String kind, String organization, String owner, Boolean managesKeys,
            Map<String, List<String>> permissions) {
    }

    /**
     * A membership: the org role and roles, plus the resulting permissions org-wide (what applies to every workspace,
     * including future ones) and per workspace.
     */
    public record Membership(String organization, String orgRole, String role, Map<String, String> workspaceRoles,
            List<String> orgWidePermissions, Map<String, List<String>> permissions) {
    }
}
