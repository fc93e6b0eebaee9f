package dev.latchkey.webhook;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.common.Patterns;

/** Request and response shapes of the webhook API (README, "Webhooks"). */
// nested records registered for Jackson: bodies are read after authorization, not as resource parameters
@RegisterForReflection
public final class WebhookDtos {

    private WebhookDtos() {
    }

    /** {@code POST .../webhooks}. */
    public record CreateWebhook(@NotNull @Size(max = 2048) String url,
            @NotEmpty @Size(max = 32) List<@NotNull String> events, Boolean enabled,
            @Size(max = 256) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String description) {
    }

    /** {@code PATCH .../webhooks/{id}}: absent fields stay as they are; {@code description: null} clears it. */
    public record UpdateWebhook(@Size(max = 2048) String url, @Size(min = 1, max = 32) List<@NotNull String> events,
            Boolean enabled,
            @Size(max = 256) @Pattern(regexp = Patterns.DISPLAY_NAME, message = "must not contain control characters") String description) {
    }

    /** An endpoint as the API shows it: never its secret. */
    public record WebhookView(String id, String url, String description, List<String> events, boolean enabled,
            boolean failing, Instant failingSince, Instant previousSecretUntil, Instant createdAt, Instant updatedAt) {
        static WebhookView from(Endpoints.Endpoint e, Instant now) {
            return new WebhookView(e.publicId(), e.url(), e.description(), e.events(), e.enabled(),
                    e.failingSince() != null, e.failingSince(),
                    e.previousSecretUntil() != null && e.previousSecretUntil().isAfter(now) ? e.previousSecretUntil()
                            : null,
                    e.createdAt(), e.updatedAt());
        }
    }

    /** The answer to create and rotate-secret: the only time the signing secret is shown. */
    public record WebhookWithSecret(@JsonUnwrapped WebhookView view, String secret) {
    }

    /** One delivery of one event to one endpoint. */
    public record DeliveryView(String id, String eventId, String eventType, String status, int attempts,
            Integer responseStatus, Integer latencyMs, String responseBody, String error, Instant createdAt,
            Instant lastAttemptAt, Instant nextAttemptAt, Instant deliveredAt) {
    }
}
