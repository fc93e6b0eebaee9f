package dev.latchkey.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request and response shapes of the key API. */
// nested records registered for Jackson (NativeRegistrationTest): bodies are read after authorization, not as
// resource parameters, and views are converted for the audit log
@RegisterForReflection
public final class KeyDtos {

    private KeyDtos() {
    }

    /** {@code POST .../keys}. Exactly one of {@code role} and {@code permissions}. */
    public record CreateKey(String kind, String name, String role, List<String> permissions, ScopeInput scope,
            Instant expiresAt, Map<String, Object> meta, RateLimitInput rateLimit, List<String> ipAllowlist,
            List<Route> routes, QuotaInput quota) {
    }

    /**
     * A usage quota (README, "Rate limits and quotas"): units left, and an optional refill at each interval boundary
     * (UTC).
     */
    public record QuotaInput(Long remaining, RefillInput refill) {
    }

    /** {@code interval}: {@code daily}, {@code monthly} or an ISO-8601 duration such as {@code PT1H}. */
    public record RefillInput(Long amount, String interval) {
    }

    /** A quota as shown: units left now (every replica's spending included) and the next refill. */
    public record QuotaView(long remaining, RefillInput refill, Instant refillAt) {
    }

    /** A route rule (README, "Verify API"): methods (absent = any) and a path pattern with {@code *} and {@code **}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Route(List<String> methods, String path) {
    }

    /** {@code {type: workspace, workspace}} or {@code {type: organization, workspaces[] | allWorkspaces: true}}. */
    public record ScopeInput(String type, String workspace, List<String> workspaces, Boolean allWorkspaces) {
    }

    /** At most {@code limit} verifications per {@code windowSeconds}. */
    public record RateLimitInput(Integer limit, Integer windowSeconds) {
    }

    /**
     * {@code PATCH .../keys/{keyId}}: JSON merge patch (absent = unchanged, null clears an optional field); kind and
     * expiresAt are immutable. Documents the body for OpenAPI; the patch itself is read field by field.
     */
    public record UpdateKey(String name, String role, List<String> permissions, ScopeInput scope, Boolean enabled,
            Map<String, Object> meta, RateLimitInput rateLimit, List<String> ipAllowlist, List<Route> routes,
            QuotaInput quota) {
    }

    /** {@code POST .../report-leak}: where the key was found, and a note (README, "Leaked keys"). */
    public record ReportLeak(@jakarta.validation.constraints.Size(max = 2048) String url,
            @jakarta.validation.constraints.Size(max = 1000) String note) {
    }

    /** {@code POST .../rotate}. */
    public record Rotate(Integer gracePeriodSeconds) {
    }

    /** The scope of a key as shown. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScopeView(String type, String workspace, List<String> workspaces, Boolean allWorkspaces) {
    }

    /** A rate limit as shown. */
    public record RateLimitView(int limit, int windowSeconds) {
    }

    /** Who created a key. */
    public record ActorView(String type, String id, String name) {
    }

    /** A key, always masked. */
    public record KeyView(String id, String name, String kind, String masked, String role, List<String> permissions,
            ScopeView scope, Instant createdAt, ActorView createdBy, Instant expiresAt, Instant revokedAt,
            Instant lastUsedAt, boolean enabled, String state, Map<String, Object> meta, RateLimitView rateLimit,
            List<String> ipAllowlist, List<Route> routes, QuotaView quota, OriginView origin) {
    }

    /** Where an imported key came from (README, "Importing keys"); null for keys issued here. */
    public record OriginView(String system, Instant importedAt) {
    }

    /** A key together with its full value: the answer to create and rotate, and the only time it is shown. */
    public record KeyWithSecret(@JsonUnwrapped KeyView view, String key) {
    }

    /** Verify outcomes of one hour: counts by code and their total. */
    public record UsageHour(Instant hour, Map<String, Long> counts, long total) {
    }

    /** The hourly usage series of a key (hours without any verification are left out). */
    public record UsageView(String keyId, Instant from, Instant to, List<UsageHour> items) {
    }
}
