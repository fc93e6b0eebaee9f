package dev.latchkey.common;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.RawHttp;
import dev.latchkey.support.Tokens;

/**
 * Inputs that used to reach PostgreSQL and fail there (500): NUL characters and invalid UTF-8 in path segments, query
 * values, headers and JSON text; unpaired surrogates; instants outside years 1-9999; deep nesting and long numbers.
 * Each is a 400 problem+json with a stable code, and nothing was stored.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private String org;
    private String ot;
    private String ws;
    private String keyId;

    @BeforeEach
    void setUp() {
        if (org != null) {
            return;
        }
        Api.Fixture f = Api.fixture();
        org = f.slug();
        ot = f.token();
        ws = f.ws();
        keyId = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0];
    }

    private static void assertProblem(Response r, int status, String code, String label) {
        assertEquals(status, r.statusCode(), label + ": " + r.asString());
        assertEquals("application/problem+json", r.contentType().split(";")[0], label);
        assertEquals(code, r.path("code"), label);
        assertNotNull(r.path("requestId"), label);
        assertFalse(r.asString().contains("Exception"), label + ": " + r.asString());
    }

    @Test
    void nulAndInvalidUtf8InPathsAndQueriesAre400() {
        String o = "/api/v1/orgs/" + org;
        List<String> uris = List.of(o + "/workspaces/%00", o + "/roles/%00", o + "/members/%00", o + "/keys/%00",
                o + "/audit?actor=%00", o + "/keys?workspace=a%00b", o + "/workspaces/%C3%28", o + "/members/%ED%A0%80",
                "/api/v1/orgs/%00", o + "/keys?cursor=%FF");
        for (String uri : uris) {
            Response r = as(ot).urlEncodingEnabled(false).get(uri);
            assertProblem(r, 400, "invalid_characters", uri);
        }
        Response elastic = as(Api.key(org, ot, Map.of("kind", "admin"))[1]).urlEncodingEnabled(false)
                .get("/api/as/v1/credentials/%00");
        assertEquals(400, elastic.statusCode(), elastic.asString());
    }

    @Test
    void validPercentEncodedUnicodeStillWorks() {
        // "é" percent-encoded is valid UTF-8: the lookup runs and finds nothing
        Response r = as(ot).urlEncodingEnabled(false).get("/api/v1/orgs/" + org + "/workspaces/caf%C3%A9");
        assertProblem(r, 404, "not_found", "valid UTF-8");
    }

    @Test
    void nulInAHeaderIs400() throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET /api/v1/orgs/" + org + "/workspaces HTTP/1.1\r\nHost: localhost\r\n"
                            + "Authorization: Bearer " + ot + "\r\nX-Forwarded-For: 1.2.3.4\u0000x\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    @Test
    void unstorableTextInBodiesIs400() {
        String o = "/api/v1/orgs/" + org;
        record Case(String label, String method, String path, String body) {
        }
        List<Case> cases = List.of(
                new Case("NUL in workspace name", "POST", o + "/workspaces",
                        "{\"slug\": \"nul-ws\", \"name\": \"a\\u0000b\"}"),
                new Case("lone high surrogate", "POST", o + "/workspaces",
                        "{\"slug\": \"sur-ws\", \"name\": \"a\\ud800b\"}"),
                new Case("lone low surrogate", "POST", o + "/workspaces",
                        "{\"slug\": \"sur-ws2\", \"name\": \"\\udc00\"}"),
                new Case("NUL in meta value", "POST", o + "/keys",
                        "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"workspace\", \"workspace\": \""
                                + ws + "\"}, \"meta\": {\"k\": \"v\\u0000\"}}"),
                new Case("NUL in meta key", "POST", o + "/keys",
                        "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"workspace\", \"workspace\": \""
                                + ws + "\"}, \"meta\": {\"k\\u0000\": 1}}"),
                new Case("NUL in patch", "PATCH", o + "/keys/" + keyId, "{\"name\": \"x\\u0000\"}"),
                new Case("NUL in member subject role", "PUT", o + "/members/someone", "{\"role\": \"\\u0000\"}"),
                new Case("NUL in org", "POST", "/api/v1/orgs",
                        "{\"slug\": \"x\", \"name\": \"\\u0000\", \"owner\": \"o\"}"));
        for (Case c : cases) {
            String token = c.path().equals("/api/v1/orgs") ? Tokens.platformAdmin("platform-root") : ot;
            Response r = as(token).body(c.body()).request(c.method(), c.path());
            assertProblem(r, 400, "invalid_characters", c.label());
        }
        // a surrogate pair (an emoji) is fine
        Response ok = as(ot).body("{\"slug\": \"emoji-ws\", \"name\": \"rocket \\ud83d\\ude80\"}")
                .post(o + "/workspaces");
        assertEquals(201, ok.statusCode(), ok.asString());
        assertEquals("rocket \uD83D\uDE80", ok.path("name"));
        // nothing else was created
        as(ot).get(o + "/keys").then().statusCode(200).body("items.size()", Matchers.is(1));
    }

    @Test
    void instantsOutsideYears1To9999Are400() {
        String o = "/api/v1/orgs/" + org;
        for (String expiresAt : List.of("99999999999999", "-99999999999999", "\"+10000-01-01T00:00:00Z\"",
                "\"-0001-01-01T00:00:00Z\"", "1e300", "\"2026-02-30T00:00:00Z\"")) {
            Response r = as(ot)
                    .body("{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"workspace\", "
                            + "\"workspace\": \"" + ws + "\"}, \"expiresAt\": " + expiresAt + "}")
                    .post(o + "/keys");
            assertProblem(r, 400, "validation_failed", "expiresAt " + expiresAt);
            assertEquals(List.of("expiresAt"), r.path("errors.field"), expiresAt);
        }
        for (String q : List.of("since=99999-01-01T00:00:00Z", "until=-5000-01-01T00:00:00Z")) {
            Response r = as(ot).get(o + "/audit?" + q);
            assertEquals(400, r.statusCode(), q + ": " + r.asString());
        }
        Response usage = as(ot).get(o + "/keys/" + keyId + "/usage?from=%2B20000-01-01T00:00:00Z");
        assertEquals(400, usage.statusCode(), usage.asString());
    }

    @Test
    void deepNestingLongNumbersAndDuplicatesAre400() {
        String o = "/api/v1/orgs/" + org;
        String scope = "\"scope\": {\"type\": \"workspace\", \"workspace\": \"" + ws + "\"}";
        String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        Response nested = as(ot)
                .body("{\"kind\": \"service\", \"role\": \"viewer\", " + scope + ", \"meta\": " + deep + "}")
                .post(o + "/keys");
        assertProblem(nested, 400, "malformed_json", "deep nesting");
        Response number = as(ot).body("{\"kind\": \"service\", \"role\": \"viewer\", " + scope
                + ", \"rateLimit\": {\"limit\": " + "9".repeat(500) + ", \"windowSeconds\": 1}}").post(o + "/keys");
        assertEquals(400, number.statusCode(), number.asString());
        Response big = as(ot).body("{\"kind\": \"service\", \"role\": \"viewer\", " + scope
                + ", \"rateLimit\": {\"limit\": 99999999999, \"windowSeconds\": 1}}").post(o + "/keys");
        assertEquals(400, big.statusCode(), big.asString());
        Response dup = as(ot).body("{\"slug\": \"dup\", \"slug\": \"dup2\", \"name\": \"n\"}").post(o + "/workspaces");
        assertProblem(dup, 400, "malformed_json", "duplicate field");
    }

    @Test
    void wrongContentTypesAre415Or400() {
        String o = "/api/v1/orgs/" + org;
        Response text = as(ot).contentType("text/plain").body("{\"slug\": \"t\", \"name\": \"n\"}")
                .post(o + "/workspaces");
        assertProblem(text, 415, "unsupported_media_type", "text/plain");
        Response form = as(ot).contentType("application/x-www-form-urlencoded").body("slug=t&name=n")
                .post(o + "/workspaces");
        assertEquals(415, form.statusCode(), form.asString());
    }

    @Test
    void vertxRouteProblemsCarryTheRequestId() {
        Response r = RestAssured.given().header("X-Request-Id", "trace-123").contentType("application/json")
                .body("{not json").post("/verify");
        assertProblem(r, 400, "malformed_json", "/verify");
        assertEquals("trace-123", r.path("requestId"));
        assertEquals("trace-123", r.header("X-Request-Id"));
        Response generated = RestAssured.given().contentType("application/json").body("[]").post("/verify");
        assertEquals(generated.header("X-Request-Id"), generated.path("requestId"));
    }
}
