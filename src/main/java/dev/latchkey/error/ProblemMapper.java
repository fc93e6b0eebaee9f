package dev.latchkey.error;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.latchkey.common.RequestInfo;

/**
 * The single place where exceptions become HTTP answers: RFC 9457 problem+json with a stable {@code code}. Nothing a
 * client sends may produce a 5xx; unexpected failures are logged with the request id and answered without internals.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Inject
    RequestInfo requestInfo;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder builder = problem(e.status(), e.code(), e.title(), e.getMessage(), e.errors());
        if (e.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new ApiException.FieldError(fieldOf(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return problem(400, "validation_failed", "Bad Request", "The request is not valid", errors).build();
    }

    /** Quarkus REST has built-in mappers for these; ours must be at least as specific to win. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response parse(com.fasterxml.jackson.core.JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return fieldProblem(pathOf(u), "unknown field");
        }
        if (e instanceof InvalidFormatException f) {
            return fieldProblem(pathOf(f), "has an invalid value or format");
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return fieldProblem(pathOf(m), "has the wrong type");
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof ApiException api) {
            return api(api);
        }
        return problem(400, "malformed_json", "Bad Request", "The request body is not valid JSON of the expected shape",
                List.of()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json); // Quarkus REST wraps body-parsing errors in a 400
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String code = switch (status) {
        case 404 -> "not_found";
        case 405 -> "method_not_allowed";
        case 406 -> "not_acceptable";
        case 413 -> "payload_too_large";
        case 415 -> "unsupported_media_type";
        case 401 -> "unauthorized";
        case 403 -> "forbidden";
        default -> "bad_request";
        };
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        String detail = switch (status) {
        case 404 -> "No such resource";
        case 405 -> "Method not allowed on this resource";
        case 415 -> "Send application/json";
        case 413 -> "The request body is too large";
        default -> title;
        };
        return problem(status, code, title, detail, List.of()).build();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        if (e instanceof ApiException api) {
            return api(api);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api);
            }
            if (databaseUnavailable(t)) {
                return problem(503, "database_unavailable", "Service Unavailable",
                        "The database cannot be reached; retry shortly", List.of()).header("Retry-After", "5").build();
            }
            // a concurrent request won a race to a unique name or to the same row
            if (t instanceof org.hibernate.exception.ConstraintViolationException
                    || t instanceof jakarta.persistence.OptimisticLockException
                    || t instanceof org.hibernate.StaleStateException) {
                return problem(409, "conflict", "Conflict",
                        "The request conflicts with a concurrent change; read again and retry", List.of()).build();
            }
        }
        LOG.errorf(e, "Unexpected error, request %s", requestInfo.requestId());
        return problem(500, "internal_error", "Internal Server Error",
                "Unexpected error; quote request id " + requestInfo.requestId(), List.of()).build();
    }

    /** A lost or refused database connection, or a pool that could not get one in time. */
    private static boolean databaseUnavailable(Throwable t) {
        if (t instanceof org.hibernate.exception.JDBCConnectionException) {
            return true;
        }
        if (t instanceof java.sql.SQLException sql) {
            String state = sql.getSQLState();
            return (state != null && state.startsWith("08"))
                    || (sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout"));
        }
        return false;
    }

    private Response fieldProblem(String field, String message) {
        return problem(400, "validation_failed", "Bad Request", "The request is not valid",
                List.of(new ApiException.FieldError(field, field + " " + message))).build();
    }

    private Response.ResponseBuilder problem(int status, String code, String title, String detail,
            List<ApiException.FieldError> errors) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, code, title, detail, requestInfo.requestId(), errors));
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
