package dev.latchkey.apikey.transfer;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.error.ApiException.FieldError;

/** Shapes of {@code POST /api/v1/orgs/{org}/keys/import} (README, "Importing keys"). */
@RegisterForReflection
public final class ImportDtos {

    private ImportDtos() {
    }

    /**
     * The request as documented for OpenAPI (it is read field by field): up to 1,000 keys, each with the usual key
     * fields plus {@code value}, or {@code sha256} with an optional {@code prefix}; where they come from; and whether
     * to import the valid ones when some are refused.
     */
    public record ImportRequest(List<ImportItem> keys, Origin origin, Boolean partial) {
    }

    /** One key to import: the fields of a created key plus its existing value or that value's SHA-256. */
    public record ImportItem(String value, String sha256, String prefix, String kind, String name, String role,
            List<String> permissions, Object scope, String expiresAt, Object meta, Object rateLimit,
            List<String> ipAllowlist, Object routes, Object quota) {
    }

    /** The system the keys come from. */
    public record Origin(String system) {
    }

    /** A key imported: its position in the request and its view (never its value). */
    public record Created(int index, KeyView key) {
    }

    /** A key refused: its position in the request and why. */
    public record Refused(int index, List<FieldError> errors) {
    }

    /** The answer: what was imported and what was refused (only with {@code partial}: otherwise nothing is). */
    public record ImportResult(int imported, List<Created> created, List<Refused> refused) {
    }
}
