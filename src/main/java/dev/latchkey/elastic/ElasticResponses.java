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
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA,
                OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                        .description("Elastic App Search's error answer: one message per problem")
                        .addProperty("errors",
                                OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                                        .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING)))
                        .required(List.of("errors")));
        for (Map.Entry<String, PathItem> p : openAPI.getPaths().getPathItems().entrySet()) {
            if (!p.getKey().startsWith(new ElasticErrors().pathPrefix())) {
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
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        var existing = op.getResponses().getAPIResponse(Integer.toString(status));
        if (existing == null || existing.getContent() == null) {
            op.getResponses().addAPIResponse(Integer.toString(status),
                    OASFactory.createAPIResponse().description("Elastic errors: " + when).content(
                            OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                                    .schema(OASFactory.createSchema().ref("#/components/schemas/" + SCHEMA)))));
        }
    }
}
