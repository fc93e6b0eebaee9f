package dev.latchkey.error;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Which status a failure that is not one of ours ({@link ApiException}) gets. Everything a client can cause maps to a
 * 4xx here; {@code null} means a bug (answered 500 and logged).
 */
public final class StatusMap {

    static final Logger LOG = Logger.getLogger(StatusMap.class);

    /** PostgreSQL's unique violation, serialization failure and deadlock: a concurrent writer won. */
    private static final java.util.Set<String> CONFLICT_STATES = java.util.Set.of("23505", "40001", "40P01");

    /**
     * PostgreSQL's admin_shutdown, crash_shutdown and cannot_connect_now, and read_only_sql_transaction: a write that
     * reached a standby (a pooled connection to a server that is no longer the primary, during a failover).
     */
    private static final java.util.Set<String> SHUTTING_DOWN = java.util.Set.of("57P01", "57P02", "57P03", "25006");

    private StatusMap() {
    }

    /** The answer for a failure, or null when it is unexpected. */
    public static ApiException classify(Throwable e) {
        // the most specific cause wins: Quarkus REST wraps a body's JSON error in a WebApplicationException(400)
        ApiException api = find(e, ApiException.class); // ours, also when Jackson wrapped it
        if (api != null) {
            return api;
        }
        if (find(e, UnstorableText.class) != null) {
            return ApiException.badRequest("invalid_characters",
                    "Text may not contain NUL characters or unpaired surrogates");
        }
        JsonProcessingException json = find(e, JsonProcessingException.class);
        if (json != null) {
            return json(json);
        }
        ConstraintViolationException violations = find(e, ConstraintViolationException.class);
        if (violations != null) {
            return validation(violations);
        }
        if (databaseUnreachable(e)) {
            return ApiException.unavailable("The database cannot be reached; retry shortly");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            // 409, not 500: a concurrent request won a race to a unique name or to the same row
            if (t instanceof java.sql.SQLException sql && CONFLICT_STATES.contains(sql.getSQLState())) {
                return ApiException.concurrentChange();
            }
        }
        WebApplicationException web = find(e, WebApplicationException.class);
        if (web != null && web.getResponse().getStatus() < 500) {
            return web(web.getResponse().getStatus());
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Body parsing: unknown field, wrong type or format name the field; anything else is malformed JSON. */
    private static ApiException json(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return field(pathOf(u), "unknown field");
        }
        if (e instanceof InvalidFormatException f) {
            return field(pathOf(f), "has an invalid value or format");
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return field(pathOf(m), "has the wrong type");
        }
        return ApiException.badRequest("malformed_json", "The request body is not valid JSON of the expected shape");
    }

    private static ApiException validation(ConstraintViolationException e) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new ApiException.FieldError(fieldOf(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return ApiException.invalid(errors);
    }

    /** What the framework decided before our code ran (no route, wrong method or media type, ...). */
    private static ApiException web(int status) {
        return switch (status) {
        case 401 -> ApiException.unauthorized("Unauthorized");
        case 403 -> ApiException.forbidden("Forbidden");
        case 404 -> new ApiException.NotFound("No such resource");
        case 405 -> new Framework(405, "method_not_allowed", "Method Not Allowed",
                "Method not allowed on this resource");
        case 406 -> new Framework(406, "not_acceptable", "Not Acceptable", "Cannot answer in the media type asked for");
        case 413 -> ApiException.tooLarge("The request body is too large");
        case 415 -> new Framework(415, "unsupported_media_type", "Unsupported Media Type", "Send application/json");
        default -> ApiException.badRequest("bad_request", "Bad Request");
        };
    }

    /** A 4xx the framework chose and our kinds do not name (405, 406, 415). */
    static final class Framework extends ApiException {
        Framework(int status, String code, String title, String detail) {
            super(status, code, title, detail, List.of());
        }
    }

    /**
     * Whether a failure, or one of its causes or their suppressed exceptions, is the database being unreachable
     * ({@link #databaseUnavailable}). The transaction manager reports a commit that failed because the connection died
     * (the primary lost during a failover) as a RollbackException whose driver error is suppressed, not a cause.
     */
    public static boolean databaseUnreachable(Throwable e) {
        return databaseUnreachable(e, 0);
    }

    private static boolean databaseUnreachable(Throwable e, int depth) {
        for (Throwable t = e; t != null && depth < 8; t = t.getCause()) {
            if (databaseUnavailable(t)) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (databaseUnreachable(suppressed, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A lost or refused database connection (SQLSTATE class 08, which is also pgjdbc's answer when no host of a
     * multi-host URL is the primary), a server shutting down or starting up (57P01-57P03: a restart, a failover), a
     * write refused by a standby (25006), or a pool that could not get a connection in time.
     */
    private static boolean databaseUnavailable(Throwable t) {
        if (t instanceof java.sql.SQLException sql) {
            String state = sql.getSQLState();
            return (state != null && (state.startsWith("08") || SHUTTING_DOWN.contains(state)))
                    || (sql.getMessage() != null
                            && sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout"));
        }
        return false;
    }

    private static ApiException field(String field, String message) {
        return ApiException.invalid(field, field + " " + message);
    }

    private static String pathOf(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }

    /** "create.request.scope.workspace" -> "scope.workspace": drop the method and parameter nodes. */
    private static String fieldOf(Path path) {
        List<String> names = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER) {
                continue;
            }
            String name = node.getName();
            if (node.getIndex() != null && !names.isEmpty()) {
                int last = names.size() - 1;
                names.set(last, names.get(last) + "[" + node.getIndex() + "]");
            }
            if (name != null && !name.startsWith("<")) {
                names.add(name);
            }
        }
        return names.isEmpty() ? "body" : String.join(".", names);
    }
}
