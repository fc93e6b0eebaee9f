package dev.latchkey.error;

import java.util.List;

/**
 * Root of Latchkey's domain errors: each carries the HTTP status, the stable problem {@code code} and a detail safe to
 * show to the caller (never a secret, never a class name).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public ApiException(int status, String code, String title, String detail, List<FieldError> errors) {
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

    /** 404: the object does not exist, or belongs to an organization the caller cannot see. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", "Not Found", what + " not found");
    }

    /** 403: the caller is known but not allowed to do this. */
    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail);
    }

    /** 409: the request conflicts with the current state (duplicate name, revoked key, ...). */
    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", "Conflict", detail);
    }

    /** 401: no credential, or one that is not valid. */
    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Unauthorized", detail);
    }

    /** 400 with one field error. */
    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 400 with field errors. */
    public static ApiException invalid(List<FieldError> errors) {
        return new ApiException(400, "validation_failed", "Bad Request", "The request is not valid", errors);
    }

    /** 400 for a query parameter or path problem that is not a body field. */
    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad Request", detail);
    }
}
