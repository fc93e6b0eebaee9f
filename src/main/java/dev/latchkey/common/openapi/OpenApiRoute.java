package dev.latchkey.common.openapi;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.smallrye.openapi.runtime.io.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.common.http.RouteOrder;

/**
 * {@code GET /q/openapi} (and {@code .json}, {@code .yaml}, {@code .yml}) answers with the document written at build
 * time ({@link StoredDocument}), byte for byte what the SmallRye OpenAPI extension serves, in the format it would
 * choose: the path's suffix, else JSON when {@code Accept} names {@code application/json} or {@code ?format=json}, else
 * YAML. {@code OPTIONS} still reaches the extension's handler.
 * <p>
 * Why: the extension (Quarkus 3.37.3) derives its copy at every start. It reads the stored document back into its model
 * with a YAML parser and writes it out again as YAML and JSON ({@code OpenApiDocumentService.prepareDocument}), which
 * was 40 % of the native executable's start-up CPU, about 100 ms on this project's 2-core machines (README "Native
 * executable"), with no setting to skip it. Latchkey runs no OpenAPI filter at run time, so that copy always equals the
 * stored bytes ({@code StoredOpenApiTest} compares them). The native executable leaves the stored resources out
 * ({@code quarkus.native.resources.excludes}), so the extension's start-up step finds no document and prepares none; on
 * the JVM it still prepares its copy, which nothing serves.
 */
@Singleton
public class OpenApiRoute {

    private static final String JSON_TYPE = Format.JSON.getMimeType() + ";charset=UTF-8";
    private static final String YAML_TYPE = Format.YAML.getMimeType() + ";charset=UTF-8";

    void routes(@Observes Router router) {
        for (String path : new String[] { "/q/openapi", "/q/openapi.json", "/q/openapi.yaml", "/q/openapi.yml" }) {
            router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).order(RouteOrder.QUARKUS_ENDPOINTS)
                    .handler(OpenApiRoute::serve);
        }
    }

    static Format format(String path, String accept, String formatParam) {
        if (path.endsWith(".json")) {
            return Format.JSON;
        }
        if (path.endsWith(".yaml") || path.endsWith(".yml")) {
            return Format.YAML;
        }
        boolean json = accept != null && accept.contains(Format.JSON.getMimeType())
                || "JSON".equalsIgnoreCase(formatParam);
        return json ? Format.JSON : Format.YAML;
    }

    private static void serve(RoutingContext ctx) {
        Format format = format(ctx.normalizedPath(), ctx.request().getHeader(HttpHeaders.ACCEPT),
                ctx.request().getParam("format"));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, format == Format.JSON ? JSON_TYPE : YAML_TYPE)
                .end(Buffer.buffer(StoredDocument.of(format)));
    }
}
