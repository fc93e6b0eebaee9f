package dev.latchkey.apikey;

import static dev.latchkey.support.Api.as;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

@QuarkusTest
class KeyLifecycleTest {

    @Test
    void createReturnsFullKeyOnceAndMaskedAfterwards() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);

        Response created = Api.createKey(org, ot,
                Map.of("kind", "service", "name", "ci deploy", "role", "editor", "scope", Api.wsScope(ws), "meta",
                        Map.of("team", "search"), "rateLimit", Map.of("limit", 100, "windowSeconds", 60), "ipAllowlist",
                        List.of("10.1.2.3/8", "2001:db8::1/32")));
        created.then().statusCode(201)
                .header("Location", endsWith("/api/v1/orgs/" + org + "/keys/" + created.path("id")))
                .body("kind", is("service")).body("name", is("ci deploy")).body("role", is("editor"))
                .body("permissions", contains("read", "write")).body("scope.type", is("workspace"))
                .body("scope.workspace", is(ws)).body("state", is("active")).body("enabled", is(true))
                .body("createdBy.type", is("user")).body("createdBy.id", is(owner)).body("meta.team", is("search"))
                .body("rateLimit.limit", is(100)).body("rateLimit.windowSeconds", is(60))
                .body("ipAllowlist", contains("10.0.0.0/8", "2001:db8::/32")).body("expiresAt", nullValue())
                .body("revokedAt", nullValue()).body("lastUsedAt", nullValue());
        String keyId = created.path("id");
        String key = created.path("key");
        assertTrue(key.startsWith("lks_" + keyId), key);
        assertEquals(4 + 16 + 43 + 6, key.length());
        assertNotNull(KeyFormat.parse(key));
        String masked = "lks_" + keyId + "…" + key.substring(key.length() - 4);
        assertEquals(masked, created.path("masked"));

        as(ot).get("/api/v1/orgs/" + org + "/keys/" + keyId).then().statusCode(200).body("masked", is(masked)).body("$",
                not(hasKey("key")));
        String list = as(ot).get("/api/v1/orgs/" + org + "/keys").then().statusCode(200).extract().asString();
        assertFalse(list.contains(key.substring(4 + 16)), "list must never contain the secret");
    }

    @Test
    void problemJsonForBadInput() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        as(Tokens.user(owner)).body("{not json").post("/api/v1/orgs/" + org + "/keys").then().statusCode(400)
                .contentType("application/problem+json").body("code", is("malformed_json"));
        as(Tokens.user(owner)).body(Map.of("kind", "superuser", "role", "viewer", "scope", Api.allScope()))
                .post("/api/v1/orgs/" + org + "/keys").then().statusCode(400).body("code", is("validation_failed"))
                .body("errors.field", hasItem("kind"));
    }
}
