package dev.latchkey.organization;

import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.Patterns;
import dev.latchkey.tenant.Organization;

/** Request and response shapes of the organization API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class OrganizationDtos {

    private OrganizationDtos() {
    }

    /** {@code POST /api/v1/orgs}: a slug, a name, and the JWT subject of the first owner. */
    public record CreateOrg(
            @NotNull @Pattern(regexp = Patterns.SLUG, message = "must match " + Patterns.SLUG) String slug,
            @NotBlank @Size(max = 200) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String name,
            @NotBlank @Size(max = 255) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String owner) {
    }

    /** An organization. */
    public record OrgView(String slug, String name, Instant createdAt, String leakPolicy) {
        static OrgView from(Organization o) {
            return new OrgView(o.slug, o.name, o.createdAt, o.leakPolicy);
        }
    }

    /** {@code PATCH /api/v1/orgs/{org}}: what is done with a key reported as leaked (README, "Leaked keys"). */
    public record UpdateOrg(
            @NotNull @Pattern(regexp = "revoke|disable|notify", message = "must be revoke, disable or notify") String leakPolicy) {
    }
}
