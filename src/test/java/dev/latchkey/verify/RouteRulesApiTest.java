package dev.latchkey.verify;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;

/**
 * Route rules end to end (README, "Verify API"): set on create and PATCH, shown and audited, enforced by /verify
 * (method + path fields) and /authorize as Envoy, nginx and Traefik report the original request, bypass attempts
 * included.
 */
@QuarkusTest
class RouteRulesApiTest {

    private static final List<Map<String, Object>> DOCS = List
            .of(Map.of("methods", List.of("GET", "HEAD"), "path", "/v1/documents/**"), Map.of("path", "/v1/search"));

    private static String[] keyWithRoutes(Api.Fixture o, Object routes) {
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        body.put("routes", routes);
        return Api.key(o.slug(), o.token(), body);
    }

    private static String verify(String key, String method, String path) {
        Map<String, Object> body = new HashMap<>(Map.of("key", key));
        if (method != null) {
            body.put("method", method);
        }
        if (path != null) {
            body.put("path", path);
        }
        return given().contentType("application/json").body(body).post("/verify").then().statusCode(200).extract()
                .path("code");
    }

    @Test
    void routesAreSetShownPatchedAndAudited() {
        Api.Fixture o = Api.fixture();
        String[] k = keyWithRoutes(o, DOCS);
        as(o.token()).get(o.keys() + "/" + k[0]).then().statusCode(200)
                .body("routes[0].methods", contains("GET", "HEAD")).body("routes[0].path", is("/v1/documents/**"))
                .body("routes[1].methods", nullValue()).body("routes[1].path", is("/v1/search"));
        as(o.token()).get(o.keys()).then().body("items.find { it.id == '" + k[0] + "' }.routes.size()", is(2));
        as(o.token()).body(Map.of("routes", List.of(Map.of("methods", List.of("post"), "path", "/v2/*"))))
                .patch(o.keys() + "/" + k[0]).then().statusCode(200).body("routes[0].methods", contains("POST"))
                .body("routes[0].path", is("/v2/*"));
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.updated").then().statusCode(200)
                .body("items[0].details.routes.to[0].path", is("/v2/*"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("routes", null);
        as(o.token()).body(clear).patch(o.keys() + "/" + k[0]).then().statusCode(200).body("routes", nullValue());
        assertEquals("VALID", verify(k[1], null, null), "no routes: any request");
    }

    @Test
    void badRulesAreA400NamingTheRule() {
        Api.Fixture o = Api.fixture();
        for (Object routes : List.of(List.of(), List.of(Map.of("path", "no-slash")), List.of(Map.of("path", "/a/**/b")),
                List.of(Map.of("methods", List.of("G E T"), "path", "/a")), List.of(Map.of("path", "/a/%2e%2e")),
                List.of(Map.of("path", 5)), "not a list")) {
            Map<String, Object> body = new HashMap<>(
                    Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
            body.put("routes", routes);
            Response r = Api.createKey(o.slug(), o.token(), body);
            assertEquals(400, r.statusCode(), routes + ": " + r.asString());
        }
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        body.put("routes", List.of(Map.of("path", "/ok"), Map.of("path", "/a;b")));
        Api.createKey(o.slug(), o.token(), body).then().statusCode(400).body("errors.field", hasItem("routes[1]"));
    }

    @Test
    void verifyChecksTheOriginalMethodAndPath() {
        Api.Fixture o = Api.fixture();
        String key = keyWithRoutes(o, DOCS)[1];
        assertEquals("VALID", verify(key, "GET", "/v1/documents/42"));
        assertEquals("VALID", verify(key, "DELETE", "/v1/search"), "methods left out: any");
        assertEquals("ROUTE_NOT_ALLOWED", verify(key, "DELETE", "/v1/documents/42"));
        assertEquals("ROUTE_NOT_ALLOWED", verify(key, "GET", "/v1/admin"));
        assertEquals("ROUTE_NOT_ALLOWED", verify(key, null, null), "a key with routes needs the original request");
        for (String bypass : List.of("/v1/documents/../admin", "/v1/documents/%2e%2e/admin",
                "/v1/documents%2f..%2fadmin", "/v1/documents;x=1/../../admin", "/v1/documents/admin.",
                "/V1/DOCUMENTS/42")) {
            assertEquals("ROUTE_NOT_ALLOWED", verify(key, "GET", bypass), bypass);
        }
        given().contentType("application/json").body(Map.of("key", key, "method", 5)).post("/verify").then()
                .statusCode(400).body("errors[0].field", is("method"));
    }

    @Test
    void authorizeReadsEachGatewaysOriginalRequest() {
        Api.Fixture o = Api.fixture();
        String key = keyWithRoutes(o, DOCS)[1];
        // Envoy (HTTP ext_authz): the original path appended, the original method kept
        given().header("X-API-Key", key).get("/authorize/v1/documents/7").then().statusCode(200);
        given().header("X-API-Key", key).delete("/authorize/v1/documents/7").then().statusCode(403)
                .header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        given().header("X-API-Key", key).urlEncodingEnabled(false).get("/authorize/v1/documents/%2e%2e/admin").then()
                .statusCode(403).header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        // nginx auth_request: X-Original-Method + X-Original-URI
        given().header("X-API-Key", key).header("X-Original-Method", "HEAD")
                .header("X-Original-URI", "/v1/documents/7?x=1").get("/authorize").then().statusCode(200);
        given().header("X-API-Key", key).header("X-Original-Method", "GET").header("X-Original-URI", "/v1/admin")
                .header("X-Latchkey-Mode", "nginx").get("/authorize").then().statusCode(403)
                .header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        // Traefik forwardAuth: X-Forwarded-Method + X-Forwarded-Uri
        given().header("X-API-Key", key).header("X-Forwarded-Method", "GET")
                .header("X-Forwarded-Uri", "/v1/documents/a/b").get("/authorize").then().statusCode(200);
        given().header("X-API-Key", key).header("X-Forwarded-Method", "GET")
                .header("X-Forwarded-Uri", "/v1/documents/../../admin").get("/authorize").then().statusCode(403);
        // a gateway that says nothing: refused for a key with routes
        given().header("X-API-Key", key).get("/authorize").then().statusCode(403).header("X-Latchkey-Code",
                "ROUTE_NOT_ALLOWED");
        // keys without routes ignore all of it
        String free = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1];
        given().header("X-API-Key", free).header("X-Original-URI", "/v1/admin").get("/authorize").then()
                .statusCode(200);
    }
}
