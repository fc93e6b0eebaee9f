package dev.latchkey.security;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * Objects of organization B addressed through organization A's routes (where the caller is owner) are 404, exactly like
 * objects that do not exist; nothing of B changes.
 */
@QuarkusTest
class CrossTenantTest {

    @Test
    void anotherOrganizationsObjectsAreNotFoundThroughYourOwnRoutes() {
        String ownerA = Api.unique("a");
        String orgA = Api.org(ownerA);
        String ta = Tokens.user(ownerA);
        String ownerB = Api.unique("b");
        String orgB = Api.org(ownerB);
        String tb = Tokens.user(ownerB);
        String wsB = Api.workspace(orgB, tb);
        String keyB = Api.key(orgB, tb, Map.of("kind", "service", "role", "viewer", "scope", wsScope(wsB)))[0];
        as(tb).body(Map.of("name", "secret-role", "permissions", List.of("read")))
                .post("/api/v1/orgs/" + orgB + "/roles").then().statusCode(201);

        String a = "/api/v1/orgs/" + orgA;
        as(ta).get(a + "/workspaces/" + wsB).then().statusCode(404);
        as(ta).body(Map.of("name", "x")).patch(a + "/workspaces/" + wsB).then().statusCode(404);
        as(ta).delete(a + "/workspaces/" + wsB).then().statusCode(404);
        as(ta).get(a + "/roles/secret-role").then().statusCode(404);
        as(ta).body(Map.of("permissions", List.of("x"))).put(a + "/roles/secret-role").then().statusCode(404);
        as(ta).delete(a + "/roles/secret-role").then().statusCode(404);
        as(ta).get(a + "/members/" + ownerB).then().statusCode(404);
        as(ta).delete(a + "/members/" + ownerB).then().statusCode(404);
        as(ta).get(a + "/keys/" + keyB).then().statusCode(404).body("code", is("not_found"));
        as(ta).body(Map.of("enabled", false)).patch(a + "/keys/" + keyB).then().statusCode(404);
        as(ta).post(a + "/keys/" + keyB + "/revoke").then().statusCode(404);
        as(ta).body(Map.of()).post(a + "/keys/" + keyB + "/rotate").then().statusCode(404);
        as(ta).delete(a + "/keys/" + keyB).then().statusCode(404);
        // a workspace of B cannot be put in a key's scope or a member's roles in A
        Api.createKey(orgA, ta, Map.of("kind", "service", "role", "viewer", "scope", wsScope(wsB))).then()
                .statusCode(400);
        as(ta).body(Map.of("workspaceRoles", Map.of(wsB, "viewer"))).put(a + "/members/" + Api.unique("x")).then()
                .statusCode(400);
        // the same answer as for an organization that does not exist at all
        as(ta).get("/api/v1/orgs/" + orgB + "/keys").then().statusCode(404);
        as(ta).get("/api/v1/orgs/no-such-org-" + Api.unique("z") + "/keys").then().statusCode(404);

        // nothing of B changed
        as(tb).get("/api/v1/orgs/" + orgB + "/keys/" + keyB).then().statusCode(200).body("state", is("active"))
                .body("enabled", is(true));
        as(tb).get("/api/v1/orgs/" + orgB + "/workspaces/" + wsB).then().statusCode(200);
        as(tb).get("/api/v1/orgs/" + orgB + "/roles/secret-role").then().statusCode(200);
        // and B's audit log records nothing done by A
        as(tb).queryParam("actor", ownerA).get("/api/v1/orgs/" + orgB + "/audit").then().statusCode(200)
                .body("items.size()", is(0));
    }
}
