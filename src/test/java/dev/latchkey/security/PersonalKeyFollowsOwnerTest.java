package dev.latchkey.security;

import static dev.latchkey.support.Api.allScope;
import static dev.latchkey.support.Api.as;
import static org.hamcrest.Matchers.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/** A personal key is worth what its owner holds now: demotion and removal show at once. */
@QuarkusTest
class PersonalKeyFollowsOwnerTest {

    @Test
    void demotionAndRemovalNarrowPersonalKeysImmediately() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        String member = Api.unique("member");
        Api.member(org, ot, member, Map.of("orgRole", "member", "role", "editor"));
        String key = Api.key(org, Tokens.user(member),
                Map.of("kind", "personal", "role", "editor", "scope", allScope()))[1];

        as(key).get("/api/v1/me").then().statusCode(200).body("type", is("key")).body("kind", is("personal"))
                .body("owner", is(member)).body("organization", is(org))
                .body("permissions." + ws, containsInAnyOrder("read", "write"));

        // demote to viewer: the key loses write at once
        Api.member(org, ot, member, Map.of("orgRole", "member", "role", "viewer"));
        as(key).get("/api/v1/me").then().statusCode(200).body("permissions." + ws, contains("read"));

        // a custom role change reaches the key too
        as(ot).body(Map.of("name", "reader", "permissions", List.of("read"))).post("/api/v1/orgs/" + org + "/roles")
                .then().statusCode(201);
        Api.member(org, ot, member, Map.of("orgRole", "member", "role", "reader"));
        as(key).get("/api/v1/me").then().body("permissions." + ws, contains("read"));
        as(ot).body(Map.of("permissions", List.of("search"))).put("/api/v1/orgs/" + org + "/roles/reader").then()
                .statusCode(200);
        as(key).get("/api/v1/me").then().body("permissions." + ws, empty());

        // removal: nothing left
        as(ot).delete("/api/v1/orgs/" + org + "/members/" + member).then().statusCode(204);
        as(key).get("/api/v1/me").then().statusCode(200).body("permissions." + ws, empty());
        // and the removed member's JWT no longer reaches the organization
        as(Tokens.user(member)).get("/api/v1/orgs/" + org + "/keys").then().statusCode(404);
    }

    @Test
    void serviceKeysDoNotDependOnTheirCreator() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        String admin = Api.unique("admin");
        Api.member(org, ot, admin, Map.of("orgRole", "admin"));
        String key = Api.key(org, Tokens.user(admin),
                Map.of("kind", "service", "role", "editor", "scope", allScope()))[1];
        as(ot).delete("/api/v1/orgs/" + org + "/members/" + admin).then().statusCode(204);
        as(key).get("/api/v1/me").then().statusCode(200).body("permissions." + ws, contains("read", "write"));
    }
}
