package dev.latchkey.common.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.openapi.runtime.io.Format;

/**
 * {@code /q/openapi} serves the document written at build time, and that document is what the OpenAPI extension itself
 * prepares at start-up (on the JVM it still does), so serving it changes nothing a client sees. Fails when a run-time
 * OpenAPI filter makes the two differ, or when a way of asking gets another format than the extension gives.
 */
@QuarkusTest
class StoredOpenApiTest {

    @Test
    void theStoredDocumentIsTheOneTheExtensionPrepares() {
        OpenApiDocumentService extension = Arc.container().instance(OpenApiDocumentService.class).get();
        for (Format format : Format.values()) {
            byte[] prepared = extension.getDocument(OpenApiConstants.DEFAULT_DOCUMENT_NAME, format);
            assertTrue(prepared.length > 50_000, format + ": the extension prepared the whole document");
            assertArrayEquals(prepared, StoredDocument.of(format), format.name());
        }
    }

    @Test
    void everyWayOfAskingGetsTheStoredBytesInTheExtensionsFormat() {
        assertServed(given().get("/q/openapi"), Format.YAML);
        assertServed(given().queryParam("format", "json").get("/q/openapi"), Format.JSON);
        assertServed(given().queryParam("format", "JSON").get("/q/openapi"), Format.JSON);
        assertServed(given().queryParam("format", "yaml").get("/q/openapi"), Format.YAML);
        assertServed(given().get("/q/openapi.json"), Format.JSON);
        assertServed(given().get("/q/openapi.yaml"), Format.YAML);
        assertServed(given().get("/q/openapi.yml"), Format.YAML);
        assertServed(given().accept("application/json").get("/q/openapi"), Format.JSON);
        assertServed(given().accept("application/json, text/plain").get("/q/openapi"), Format.JSON);
        assertServed(given().accept("text/html").get("/q/openapi"), Format.YAML);
        Response head = given().head("/q/openapi?format=json");
        assertEquals(200, head.statusCode());
        assertEquals("application/json;charset=UTF-8", head.contentType());
    }

    @Test
    void optionsStillReachesTheExtension() {
        assertEquals("GET, HEAD, OPTIONS", given().options("/q/openapi").then().extract().header("Allow"));
    }

    @Test
    void theFormatRules() {
        assertEquals(Format.JSON, OpenApiRoute.format("/q/openapi.json", "application/yaml", "yaml"));
        assertEquals(Format.YAML, OpenApiRoute.format("/q/openapi.yml", "application/json", "json"));
        assertEquals(Format.JSON, OpenApiRoute.format("/q/openapi", null, "Json"));
        assertEquals(Format.YAML, OpenApiRoute.format("/q/openapi", null, null));
        assertEquals(Format.YAML, OpenApiRoute.format("/q/openapi", "*/*", "xml"));
    }

    @Test
    void theDocumentIsTheServices() {
        String json = new String(StoredDocument.JSON, StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{"), "JSON");
        assertTrue(json.contains("\"/api/v1/orgs/{org}/keys\""), "the key routes");
        assertTrue(new String(StoredDocument.YAML, StandardCharsets.UTF_8).startsWith("---\nopenapi: 3."), "YAML");
    }

    private static void assertServed(Response r, Format format) {
        assertEquals(200, r.statusCode());
        assertEquals(format.getMimeType() + ";charset=UTF-8", r.contentType());
        assertArrayEquals(StoredDocument.of(format), r.asByteArray(), format.name());
    }
}
