package dev.latchkey.role;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.Patterns;
import dev.latchkey.vocabulary.Permissions;

/** Request and response shapes of the role API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class RoleDtos {

    private RoleDtos() {
    }

    /** {@code POST .../roles}. */
    public record CreateRole(
            @NotNull @Pattern(regexp = Patterns.ROLE_NAME, message = "must match " + Patterns.ROLE_NAME) String name,
            @NotNull @Size(max = Permissions.MAX_COUNT) List<@NotNull @Size(max = Permissions.MAX_LENGTH) @Pattern(regexp = Patterns.PERMISSION, message = "must be ':'-separated segments of [a-z0-9_.-] or '*'") String> permissions) {
    }

    /** {@code PUT .../roles/{role}}: the new permissions (the name, if given, must be the same). */
    public record UpdateRole(String name,
            @NotNull @Size(max = Permissions.MAX_COUNT) List<@NotNull @Size(max = Permissions.MAX_LENGTH) @Pattern(regexp = Patterns.PERMISSION, message = "must be ':'-separated segments of [a-z0-9_.-] or '*'") String> permissions) {
    }

    /** A role, built-in or custom. */
    public record RoleView(String name, List<String> permissions, boolean builtIn, Instant createdAt,
            Instant updatedAt) {
    }
}
