package dev.latchkey.elastic;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.quarkus.smallrye.openapi.OpenApiFilter;

import dev.latchkey.error.ProblemResponses;

/**
 * The error answers of the App Search Credentials API in {@code /q/openapi}, in Elastic's shape
 * ({@link ElasticErrors}): {@code {"errors": ["…"]}} with 400 (invalid or taken name), 401 (not an admin key of the
 * organization), 404 and 503. Applied at build time.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ElasticResponses implements OASFilter {

    static final String SCHEMA = "ElasticErrors";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        ProblemResponses.addSchema(openAPI, SCHEMA,
                OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                        .description("Elastic App Search's error answer: one message per problem")
                        .addProperty("errors",
                                OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                                        .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING)))
                        .required(List.of("errors")));
        for (Map.Entry<String, PathItem> p : openAPI.getPaths().getPathItems().entrySet()) {
            if (!p.getKey().startsWith(ElasticErrors.PATH_PREFIX)) {
                continue;
            }
            for (Operation op : p.getValue().getOperations().values()) {
                add(op, 400, "an invalid field, or a name already taken");
                add(op, 401, "not an admin key of the organization");
                if (p.getKey().contains("{")) {
                    add(op, 404, "no such credential");
                }
                add(op, 503, "the database cannot be reached; retry");
            }
        }
    }

    private static void add(Operation op, int status, String when) {
        ProblemResponses.addResponse(op, status, "Elastic errors: " + when, "application/json", SCHEMA);
    }
}
