package dev.latchkey.error;

import java.util.List;

/**
 * Root of Latchkey's errors: each kind fixes the HTTP status and the stable problem {@code code}; the detail is safe to
 * show to the caller (never a secret, never a class name). Thrown anywhere (services, filters, Vert.x routes) and
 * turned into an answer in one place, {@link Problems}. The status of each kind, with the reason for the odd ones:
 * <ul>
 * <li>{@link Invalid} 400 {@code validation_failed} (field errors) or another 400 code for a request-level problem;
 * <li>{@link Unauthorized} 401, with {@code WWW-Authenticate: Bearer};
 * <li>{@link Forbidden} 403 — only for a caller who may see the object: elsewhere it is 404, so that nobody learns what
 * exists in another organization (README, "Management API");
 * <li>{@link NotFound} 404;
 * <li>{@link Conflict} 409, also for a concurrent writer that won a race to a unique name or row;
 * <li>{@link TooLarge} 413;
 * <li>{@link Unavailable} 503 with {@code Retry-After} — the database, not the request, is at fault;
 * <li>{@link Internal} 500 — a bug, logged with the request id; never used for anything a client sent.
 * </ul>
 */
public abstract class ApiException extends RuntimeException {

    /** Seconds a 503 asks the caller to wait ({@code Retry-After}): the database, not the request, is at fault. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;

    protected ApiException(int status, String code, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** One invalid field of a request. */
    public record FieldError(String field, String message) {
    }

    /** 400: the request is not valid (with field errors), or a request-level problem with its own code. */
    public static final class Invalid extends ApiException {
        Invalid(String code, String detail, List<FieldError> errors) {
            super(400, code, "Bad Request", detail, errors);
        }
    }

    /** 401: no credential, or one that is not valid. */
    public static final class Unauthorized extends ApiException {
        Unauthorized(String detail) {
            super(401, "unauthorized", "Unauthorized", detail, List.of());
        }
    }

    /** 403: the caller is known but not allowed to do this. */
    public static final class Forbidden extends ApiException {
        Forbidden(String detail) {
            super(403, "forbidden", "Forbidden", detail, List.of());
        }
    }

    /** 404: the object does not exist, or belongs to an organization the caller cannot see. */
    public static final class NotFound extends ApiException {
        NotFound(String detail) {
            super(404, "not_found", "Not Found", detail, List.of());
        }
    }

    /** 409: the request conflicts with the current state (duplicate name, revoked key, a concurrent change). */
    public static final class Conflict extends ApiException {
        Conflict(String detail) {
            super(409, "conflict", "Conflict", detail, List.of());
        }
    }

    /** 413: the body is over {@code latchkey.http.max-body-size}. */
    public static final class TooLarge extends ApiException {
        TooLarge(String detail) {
            super(413, "payload_too_large", "Content Too Large", detail, List.of());
        }
    }

    /** 503: the database cannot be reached; the caller should retry. */
    public static final class Unavailable extends ApiException {
        Unavailable(String detail) {
            super(503, "database_unavailable", "Service Unavailable", detail, List.of());
        }
    }

    /** 500: a bug. The detail names only the request id to quote. */
    public static final class Internal extends ApiException {
        Internal(String requestId) {
            super(500, "internal_error", "Internal Server Error", "Unexpected error; quote request id " + requestId,
                    List.of());
        }
    }

    static ApiException internal(String requestId) {
        return new Internal(requestId);
    }

    public static ApiException notFound(String what) {
        return new NotFound(what + " not found");
    }

    /** 404 with its whole detail given. */
    public static ApiException notFoundDetail(String detail) {
        return new NotFound(detail);
    }

    public static ApiException forbidden(String detail) {
        return new Forbidden(detail);
    }

    public static ApiException conflict(String detail) {
        return new Conflict(detail);
    }

    /** 409 for a write that a concurrent writer overtook (a key's version, a unique name, a serialization failure). */
    public static ApiException concurrentChange() {
        return conflict("The request conflicts with a concurrent change; read again and retry");
    }

    public static ApiException unauthorized(String detail) {
        return new Unauthorized(detail);
    }

    /** 400 with one field error. */
    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 400 with field errors. */
    public static ApiException invalid(List<FieldError> errors) {
        return new Invalid("validation_failed", "The request is not valid", errors);
    }

    /** 400 for a query parameter, path or body problem that is not one field's. */
    public static ApiException badRequest(String code, String detail) {
        return new Invalid(code, detail, List.of());
    }

    public static ApiException tooLarge(String detail) {
        return new TooLarge(detail);
    }

    public static ApiException unavailable(String detail) {
        return new Unavailable(detail);
    }
}
