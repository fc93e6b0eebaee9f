package dev.latchkey.common;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * Every route with a body gets malformed JSON, wrong types, unknown enum values, over-long strings, invalid slugs and
 * CIDRs and an oversized body: always a 4xx problem+json with a stable code, never a 5xx, never a stack trace.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private String org;
    private String ot;
    private String ws;
    private String keyId;
    private String role;

    private void setUp() {
        if (org != null) {
            return;
        }
        String owner = Api.unique("owner");
        org = Api.org(owner);
        ot = Tokens.user(owner);
        ws = Api.workspace(org, ot);
        keyId = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0];
        role = Api.unique("role");
        as(ot).body(Map.of("name", role, "permissions", List.of("read"))).post("/api/v1/orgs/" + org + "/roles").then()
                .statusCode(201);
    }

    private record Case(String label, String method, String path, String body, int status, String code) {
    }

    private List<Case> cases() {
        String o = "/api/v1/orgs/" + org;
        String big = "\"" + "x".repeat(20_000) + "\"";
        String long300 = "x".repeat(300);
        List<Case> c = new ArrayList<>();
        record R(String method, String path) {
        }
        List<R> bodyRoutes = List.of(new R("POST", "/api/v1/orgs"), new R("POST", o + "/workspaces"),
                new R("PATCH", o + "/workspaces/" + ws), new R("POST", o + "/roles"),
                new R("PUT", o + "/roles/" + role), new R("PUT", o + "/members/" + Api.unique("s")),
                new R("POST", o + "/keys"), new R("PATCH", o + "/keys/" + keyId),
                new R("POST", o + "/keys/" + keyId + "/rotate"));
        for (R r : bodyRoutes) {
            c.add(new Case("malformed JSON", r.method(), r.path(), "{\"name\": ", 400, "malformed_json"));
            c.add(new Case("not an object", r.method(), r.path(), "[1,2,3]", 400, null));
            c.add(new Case("trailing garbage", r.method(), r.path(), "{} {}", 400, null));
            c.add(new Case("oversized body", r.method(), r.path(), "{\"name\": " + big + "}", 413,
                    "payload_too_large"));
        }
        // wrong types
        c.add(new Case("slug number", "POST", "/api/v1/orgs", "{\"slug\": 5, \"name\": \"n\", \"owner\": \"o\"}", 400,
                "validation_failed"));
        c.add(new Case("ws name object", "POST", o + "/workspaces", "{\"slug\": \"ok\", \"name\": {}}", 400,
                "validation_failed"));
        c.add(new Case("permissions string", "POST", o + "/roles", "{\"name\": \"r1\", \"permissions\": \"read\"}", 400,
                "validation_failed"));
        c.add(new Case("workspaceRoles array", "PUT", o + "/members/" + Api.unique("s"), "{\"workspaceRoles\": []}",
                400, "validation_failed"));
        c.add(new Case("kind number", "POST", o + "/keys", "{\"kind\": 1, \"role\": \"viewer\"}", 400,
                "validation_failed"));
        c.add(new Case("expiresAt garbage", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}, \"expiresAt\": \"tomorrow\"}",
                400, "validation_failed"));
        c.add(new Case("rateLimit string", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}, \"rateLimit\": {\"limit\": \"10\", \"windowSeconds\": 1}}",
                400, "validation_failed"));
        c.add(new Case("meta array", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}, \"meta\": [1]}",
                400, "validation_failed"));
        c.add(new Case("enabled string", "PATCH", o + "/keys/" + keyId, "{\"enabled\": \"yes\"}", 400,
                "validation_failed"));
        c.add(new Case("grace string", "POST", o + "/keys/" + keyId + "/rotate", "{\"gracePeriodSeconds\": \"1\"}", 400,
                "validation_failed"));
        c.add(new Case("grace too long", "POST", o + "/keys/" + keyId + "/rotate", "{\"gracePeriodSeconds\": 604801}",
                400, "validation_failed"));
        c.add(new Case("grace float", "POST", o + "/keys/" + keyId + "/rotate", "{\"gracePeriodSeconds\": 1.5}", 400,
                "validation_failed"));
        // unknown enum values
        c.add(new Case("kind unknown", "POST", o + "/keys",
                "{\"kind\": \"root\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}}",
                400, "validation_failed"));
        c.add(new Case("scope type unknown", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"galaxy\"}}", 400,
                "validation_failed"));
        c.add(new Case("orgRole unknown", "PUT", o + "/members/" + Api.unique("s"), "{\"orgRole\": \"god\"}", 400,
                "validation_failed"));
        c.add(new Case("role unknown", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"nope\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}}",
                400, "validation_failed"));
        c.add(new Case("unknown field", "POST", o + "/workspaces",
                "{\"slug\": \"ok-1\", \"name\": \"n\", \"colour\": \"red\"}", 400, "validation_failed"));
        c.add(new Case("unknown patch field", "PATCH", o + "/keys/" + keyId, "{\"colour\": \"red\"}", 400,
                "validation_failed"));
        // over-long strings
        c.add(new Case("org name long", "POST", "/api/v1/orgs",
                "{\"slug\": \"okay\", \"name\": \"" + long300 + "\", \"owner\": \"o\"}", 400, "validation_failed"));
        c.add(new Case("key name long", "POST", o + "/keys",
                "{\"kind\": \"service\", \"name\": \"" + "k".repeat(65)
                        + "\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}}",
                400, "validation_failed"));
        c.add(new Case("subject long", "PUT", o + "/members/" + "s".repeat(256), "{}", 400, "validation_failed"));
        c.add(new Case("permission long", "POST", o + "/roles",
                "{\"name\": \"r2\", \"permissions\": [\"" + "p".repeat(129) + "\"]}", 400, "validation_failed"));
        // invalid slugs, names, permissions and CIDRs
        c.add(new Case("org slug upper", "POST", "/api/v1/orgs",
                "{\"slug\": \"Bad_Slug\", \"name\": \"n\", \"owner\": \"o\"}", 400, "validation_failed"));
        c.add(new Case("ws slug leading dash", "POST", o + "/workspaces", "{\"slug\": \"-bad\", \"name\": \"n\"}", 400,
                "validation_failed"));
        c.add(new Case("ws slug long", "POST", o + "/workspaces",
                "{\"slug\": \"" + "a".repeat(65) + "\", \"name\": \"n\"}", 400, "validation_failed"));
        c.add(new Case("role name bad", "POST", o + "/roles", "{\"name\": \"Has Space\", \"permissions\": []}", 400,
                "validation_failed"));
        c.add(new Case("permission bad", "POST", o + "/roles", "{\"name\": \"r3\", \"permissions\": [\"do*cs\"]}", 400,
                "validation_failed"));
        c.add(new Case("key name bad", "POST", o + "/keys",
                "{\"kind\": \"service\", \"name\": \"semi;colon\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}}",
                400, "validation_failed"));
        c.add(new Case("cidr bad", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}, \"ipAllowlist\": [\"10.0.0.0/33\"]}",
                400, "validation_failed"));
        c.add(new Case("cidr hostname", "PATCH", o + "/keys/" + keyId, "{\"ipAllowlist\": [\"example.com\"]}", 400,
                "validation_failed"));
        c.add(new Case("expiresAt past", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}, \"expiresAt\": \"2001-01-01T00:00:00Z\"}",
                400, "validation_failed"));
        c.add(new Case("role and permissions", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"permissions\": [\"read\"], \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true}}",
                400, "validation_failed"));
        c.add(new Case("scope missing", "POST", o + "/keys", "{\"kind\": \"service\", \"role\": \"viewer\"}", 400,
                "validation_failed"));
        c.add(new Case("scope both", "POST", o + "/keys",
                "{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", \"allWorkspaces\": true, \"workspaces\": [\""
                        + ws + "\"]}}",
                400, "validation_failed"));
        c.add(new Case("empty body", "POST", o + "/workspaces", "", 400, "validation_failed"));
        c.add(new Case("null body", "POST", o + "/keys", "null", 400, null));
        // query parameters
        c.add(new Case("limit 201", "GET", o + "/keys?limit=201", null, 400, "validation_failed"));
        c.add(new Case("limit 0", "GET", o + "/workspaces?limit=0", null, 400, "validation_failed"));
        c.add(new Case("limit abc", "GET", o + "/members?limit=abc", null, 400, "validation_failed"));
        c.add(new Case("cursor garbage", "GET", o + "/keys?cursor=%%%", null, 400, "invalid_cursor"));
        c.add(new Case("cursor forged", "GET", o + "/audit?cursor=djE6YWJj", null, 400, "invalid_cursor"));
        c.add(new Case("state unknown", "GET", o + "/keys?state=zombie", null, 400, "validation_failed"));
        c.add(new Case("kind filter unknown", "GET", o + "/keys?kind=root", null, 400, "validation_failed"));
        c.add(new Case("since garbage", "GET", o + "/audit?since=yesterday", null, 400, "validation_failed"));
        // wrong media type and method
        c.add(new Case("wrong method", "DELETE", "/api/v1/me", null, 405, "method_not_allowed"));
        c.add(new Case("unknown route", "GET", "/api/v1/nothing-here", null, 404, "not_found"));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputIsA4xxProblem() {
        setUp();
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.method() + " " + c.label(), () -> {
            // only platform administrators may create organizations: anyone else is refused before the body is read
            var req = as(c.path().equals("/api/v1/orgs") ? Tokens.platformAdmin("platform-root") : ot);
            if (c.body() != null) {
                req = req.body(c.body());
            }
            Response r = req.request(c.method(), c.path());
            assertEquals(c.status(), r.statusCode(), c.label() + ": " + r.asString());
            assertEquals("application/problem+json", r.contentType().split(";")[0], c.label());
            assertEquals(c.status(), (int) r.path("status"));
            assertNotNull(r.path("title"));
            assertNotNull(r.path("detail"));
            if (c.code() != null) {
                assertEquals(c.code(), r.path("code"), c.label());
            } else {
                assertNotNull(r.path("code"));
            }
            String body = r.asString();
            assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("dev.latchkey."),
                    "no internals in: " + body);
        }));
    }

    @Test
    void validationErrorsNameTheField() {
        setUp();
        Response r = as(ot)
                .body("{\"kind\": \"service\", \"role\": \"viewer\", \"scope\": {\"type\": \"organization\", "
                        + "\"allWorkspaces\": true}, \"ipAllowlist\": [\"10.0.0.1\", \"nope\"], \"rateLimit\": {\"limit\": 0, \"windowSeconds\": 1}}")
                .post("/api/v1/orgs/" + org + "/keys");
        assertEquals(400, r.statusCode());
        List<String> fields = r.path("errors.field");
        assertTrue(fields.contains("ipAllowlist[1]"), fields.toString());
        assertTrue(fields.contains("rateLimit.limit"), fields.toString());
        Response slug = as(ot).body("{\"slug\": \"Nope\", \"name\": \"\"}").post("/api/v1/orgs/" + org + "/workspaces");
        List<String> slugFields = slug.path("errors.field");
        assertTrue(slugFields.containsAll(List.of("slug", "name")), slugFields.toString());
    }

    @Test
    void nothingWasCreatedByBadInput() {
        setUp();
        // only the one service key of setUp exists
        as(ot).get("/api/v1/orgs/" + org + "/keys").then().statusCode(200).body("items.size()", Matchers.is(1));
    }
}
