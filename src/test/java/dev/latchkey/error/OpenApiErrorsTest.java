package dev.latchkey.error;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code /q/openapi} lists each operation's error answers with their problem codes: every management operation its 401
 * and 503, a body its 400 (validation_failed, malformed_json …), 413 and 415, a path parameter its 404, a write its
 * 409; the App Search operations Elastic's {@code {"errors": […]}} instead.
 */
@QuarkusTest
class OpenApiErrorsTest {

    @Test
    void everyOperationListsItsErrorAnswers() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(
                given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString());
        assertTrue(doc.at("/components/schemas/Problem/properties/code").isObject(), "the Problem schema");
        int management = 0;
        int elastic = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> o = ops.next();
                String where = o.getKey().toUpperCase() + " " + p.getKey();
                JsonNode responses = o.getValue().get("responses");
                if (p.getKey().startsWith("/api/v1")) {
                    management++;
                    problem(responses, "401", "unauthorized", where);
                    problem(responses, "503", "database_unavailable", where);
                    assertTrue(responses.at("/503/description").asText().contains("Retry-After: 5"), where);
                    if (o.getValue().has("requestBody")) {
                        problem(responses, "400", "validation_failed", where);
                        problem(responses, "400", "malformed_json", where);
                        problem(responses, "413", "payload_too_large", where);
                    }
                    if (p.getKey().contains("{")) {
                        problem(responses, "404", "not_found", where);
                    }
                    if (!o.getKey().equals("get")) {
                        problem(responses, "409", "conflict", where);
                    }
                } else if (p.getKey().startsWith("/api/as/")) {
                    elastic++;
                    for (String status : new String[] { "400", "401", "503" }) {
                        assertEquals("#/components/schemas/ElasticErrors",
                                responses.at("/" + status + "/content/application~1json/schema/$ref").asText(),
                                where + " " + status);
                    }
                }
            }
        }
        assertTrue(management >= 25, "management operations seen: " + management);
        assertTrue(elastic >= 5, "App Search operations seen: " + elastic);
        assertEquals("object", doc.at("/components/schemas/Problem/type").asText());
    }

    private static void problem(JsonNode responses, String status, String code, String where) {
        JsonNode r = responses.get(status);
        assertNotNull(r, where + " lists " + status);
        assertEquals("#/components/schemas/Problem", r.at("/content/application~1problem+json/schema/$ref").asText(),
                where + " " + status);
        assertTrue(r.get("description").asText().contains(code), where + " " + status + " names " + code);
    }
}
