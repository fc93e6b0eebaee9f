package dev.latchkey.security;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * Who may do something is decided before the body's details (README, "Errors"): a caller who may not use a route gets
 * 403 (or 404 for an object they cannot see) whatever is wrong with the body; a caller who may gets the 400 for the
 * same body.
 */
@QuarkusTest
class AuthorizationOrderTest {

    record Case(String label, String method, String path, String body, int deniedStatus) {
    }

    @Test
    void deniedCallersAreRefusedBeforeTheirBodyIsValidated() {
        Api.Team team = Api.team(Map.of("orgRole", "member", "role", "viewer"));
        String org = team.slug();
        String ot = team.ownerToken();
        String ws = team.ws();
        String mt = team.memberToken();
        String ownersKey = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0];
        as(ot).body(Map.of("name", "custom", "permissions", List.of("read"))).post("/api/v1/orgs/" + org + "/roles")
                .then().statusCode(201);
        String o = "/api/v1/orgs/" + org;
        String scope = "\"scope\": {\"type\": \"workspace\", \"workspace\": \"" + ws + "\"}";
        List<Case> cases = List.of(
                new Case("workspace create, slug a number", "POST", o + "/workspaces", "{\"slug\": 5, \"name\": {}}",
                        403),
                new Case("workspace rename, name a number", "PATCH", o + "/workspaces/" + ws, "{\"name\": 5}", 403),
                new Case("role create, bad name", "POST", o + "/roles", "{\"name\": \"NOT OK\", \"permissions\": 1}",
                        403),
                new Case("role update, permissions a string", "PUT", o + "/roles/custom", "{\"permissions\": \"x\"}",
                        403),
                new Case("member put, orgRole a number", "PUT", o + "/members/" + Api.unique("s"), "{\"orgRole\": 7}",
                        403),
                new Case("admin key with a role (the reported case)", "POST", o + "/keys",
                        "{\"kind\": \"admin\", \"role\": \"viewer\", " + scope + "}", 403),
                new Case("service key, expiresAt garbage", "POST", o + "/keys",
                        "{\"kind\": \"service\", \"expiresAt\": \"tomorrow\", \"rateLimit\": 5}", 403),
                new Case("patch of a key the member cannot see", "PATCH", o + "/keys/" + ownersKey,
                        "{\"name\": 5, \"bogus\": true}", 404),
                new Case("rotate of a key the member cannot see", "POST", o + "/keys/" + ownersKey + "/rotate",
                        "{\"gracePeriodSeconds\": \"soon\"}", 404),
                new Case("organization create by a non-administrator", "POST", "/api/v1/orgs",
                        "{\"slug\": 5, \"name\": [], \"owner\": null}", 403));
        for (Case c : cases) {
            Response denied = as(mt).body(c.body()).request(c.method(), c.path());
            assertEquals(c.deniedStatus(), denied.statusCode(), "member, " + c.label() + ": " + denied.asString());
            // the allowed twin: a caller who may do this learns what is wrong with the body
            String allowed = c.path().equals("/api/v1/orgs") ? Tokens.platformAdmin("platform-root") : ot;
            Response invalid = as(allowed).body(c.body()).request(c.method(), c.path());
            assertEquals(400, invalid.statusCode(), "allowed, " + c.label() + ": " + invalid.asString());
        }
        // a member's own kind (personal) is theirs to ask for: the body's details come next
        Response personal = as(mt).body("{\"kind\": \"personal\", \"expiresAt\": \"tomorrow\", " + scope + "}")
                .post(o + "/keys");
        assertEquals(400, personal.statusCode(), personal.asString());
        // an admin key may not mint personal keys, whatever else the body says
        String adminKey = Api.key(org, ot, Map.of("kind", "admin"))[1];
        Response byKey = as(adminKey).body("{\"kind\": \"personal\", \"expiresAt\": 5}").post(o + "/keys");
        assertEquals(403, byKey.statusCode(), byKey.asString());
    }
}
