package dev.latchkey.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Adds the error answers of the management API ({@code /api/v1/}) to every one of its operations in {@code /q/openapi}:
 * each status with the stable problem codes it carries, as problem+json ({@link Problems}). Which statuses an operation
 * can answer follows from what it takes: any operation 401, 500 and 503; one with a path parameter 404; one with a body
 * 400, 413 and 415; one with query parameters 400; a write 409; all but the caller's own {@code /me} 403. Applied once,
 * at build time (no start-up work).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String PREFIX = "/api/v1/";
    static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        addSchema(openAPI, SCHEMA, problemSchema());
        for (Map.Entry<String, PathItem> p : openAPI.getPaths().getPathItems().entrySet()) {
            String path = p.getKey();
            if (!path.startsWith(PREFIX) && !path.equals(PREFIX.substring(0, PREFIX.length() - 1))) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> o : p.getValue().getOperations().entrySet()) {
                for (Map.Entry<Integer, List<String>> answer : answers(path, o.getKey(), o.getValue()).entrySet()) {
                    add(o.getValue(), answer.getKey(), answer.getValue());
                }
            }
        }
    }

    /** Status → problem codes of one operation. */
    static Map<Integer, List<String>> answers(String path, PathItem.HttpMethod method, Operation op) {
        Map<Integer, List<String>> out = new java.util.TreeMap<>();
        boolean body = op.getRequestBody() != null;
        boolean query = op.getParameters() != null
                && op.getParameters().stream().anyMatch(x -> x.getIn() == Parameter.In.QUERY);
        List<String> bad = new ArrayList<>();
        if (body) {
            bad.addAll(List.of("validation_failed", "malformed_json", "invalid_characters"));
        } else if (query) {
            bad.add("validation_failed");
        }
        if (body || query) {
            bad.add("bad_request");
            out.put(400, bad);
        }
        out.put(401, List.of("unauthorized"));
        if (!path.startsWith("/api/v1/me")) {
            out.put(403, List.of("forbidden"));
        }
        if (path.contains("{")) {
            out.put(404, List.of("not_found"));
        }
        if (method != PathItem.HttpMethod.GET) {
            out.put(409, List.of("conflict"));
        }
        if (body) {
            out.put(413, List.of("payload_too_large"));
            out.put(415, List.of("unsupported_media_type"));
        }
        out.put(500, List.of("internal_error"));
        out.put(503, List.of("database_unavailable"));
        return out;
    }

    private static void add(Operation op, int status, List<String> codes) {
        String description = "Problem (RFC 9457), code " + String.join(" | ", codes)
                + (status == 503 ? "; Retry-After: " + ApiException.RETRY_AFTER_SECONDS : "")
                + (status == 401 ? "; WWW-Authenticate: Bearer" : "");
        addResponse(op, status, description, Problems.MEDIA_TYPE, SCHEMA);
    }

    /** Adds a schema to the document's components (for the error shapes the filters add). */
    public static void addSchema(OpenAPI openAPI, String name, Schema schema) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(name, schema);
    }

    /**
     * Adds an error answer to an operation, with its body as the named component schema, unless the operation describes
     * that status itself (one without content is the framework's bare 400: replaced).
     */
    public static void addResponse(Operation op, int status, String description, String mediaType, String schema) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        String key = Integer.toString(status);
        var existing = op.getResponses().getAPIResponse(key);
        if (existing != null && existing.getContent() != null) {
            return;
        }
        op.getResponses().addAPIResponse(key,
                OASFactory.createAPIResponse().description(description)
                        .content(OASFactory.createContent().addMediaType(mediaType, OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("#/components/schemas/" + schema)))));
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).addProperty("field", string)
                .addProperty("message", string);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An error answer: the status, a stable machine-readable code, a detail safe to show, the "
                        + "request id to quote; field errors for validation_failed")
                .addProperty("type", string).addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string).addProperty("code", string).addProperty("requestId", string)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .required(List.of("status", "code", "requestId"));
    }
}
