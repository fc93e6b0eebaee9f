package dev.latchkey.workspace;

import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.Patterns;

/** Request and response shapes of the workspace API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class WorkspaceDtos {

    private WorkspaceDtos() {
    }

    /** {@code POST .../workspaces}. */
    public record CreateWorkspace(
            @NotNull @Pattern(regexp = Patterns.SLUG, message = "must match " + Patterns.SLUG) String slug,
            @NotBlank @Size(max = 200) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String name) {
    }

    /** {@code PATCH .../workspaces/{ws}}: the name; the slug is the workspace's identity and does not change. */
    public record UpdateWorkspace(
            @Size(min = 1, max = 200) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String name) {
    }

    /** A workspace. */
    public record WorkspaceView(String slug, String name, Instant createdAt, Instant updatedAt) {
        static WorkspaceView from(Workspace w) {
            return new WorkspaceView(w.slug, w.name, w.createdAt, w.updatedAt);
        }
    }
}
