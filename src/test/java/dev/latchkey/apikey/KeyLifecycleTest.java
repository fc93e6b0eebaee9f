package dev.latchkey.apikey;

import static dev.latchkey.support.Api.as;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;
import dev.latchkey.support.Tokens;

@QuarkusTest
class KeyLifecycleTest {

    @Inject
    TestClock clock;

    @Test
    void theOldSecretVerifiesUntilTheGracePeriodEndsAndNotAfter() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        String fresh = as(o.token()).body(Map.of("gracePeriodSeconds", 600)).post(o.keys() + "/" + k[0] + "/rotate")
                .then().statusCode(200).extract().path("key");
        assertEquals("VALID", verifyCode(k[1]), "old secret during the grace period");
        assertEquals("VALID", verifyCode(fresh));
        clock.advance(java.time.Duration.ofSeconds(599));
        assertEquals("VALID", verifyCode(k[1]), "one second before the grace period ends");
        clock.advance(java.time.Duration.ofSeconds(2));
        assertEquals("NOT_FOUND", verifyCode(k[1]), "after it, like any wrong secret");
        assertEquals("VALID", verifyCode(fresh));
    }

    static String verifyCode(String key) {
        return as(null).body(Map.of("key", key)).post("/verify").then().statusCode(200).extract().path("code");
    }

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

    @Test
    void nameDefaultsToKeyIdIsUniqueAndReusableAfterDelete() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        as(o.token()).get(o.keys() + "/" + k[0]).then().body("name", is(k[0]));
        String named = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "name", "build.bot_1", "role", "viewer", "scope", Api.wsScope(o.ws())))[0];
        Api.createKey(o.slug(), o.token(),
                Map.of("kind", "service", "name", "build.bot_1", "role", "viewer", "scope", Api.wsScope(o.ws()))).then()
                .statusCode(409).body("code", is("conflict"));
        as(o.token()).body(Map.of("name", "build.bot_1")).patch(o.keys() + "/" + k[0]).then().statusCode(409);
        as(o.token()).delete(o.keys() + "/" + named).then().statusCode(204);
        as(o.token()).get(o.keys() + "/" + named).then().statusCode(404);
        as(o.token()).get(o.keys()).then().body("items.id", not(hasItem(named)));
        Api.createKey(o.slug(), o.token(),
                Map.of("kind", "service", "name", "build.bot_1", "role", "viewer", "scope", Api.wsScope(o.ws()))).then()
                .statusCode(201);
    }

    @Test
    void rotationIssuesANewSecretAndHonoursTheGracePeriod() {
        Api.Fixture o = Api.fixture();
        String[] admin = Api.key(o.slug(), o.token(), Map.of("kind", "admin", "name", "rotating"));
        as(admin[1]).get("/api/v1/me").then().statusCode(200).body("keyId", is(admin[0]));

        Response rotated = as(o.token()).body(Map.of("gracePeriodSeconds", 600))
                .post(o.keys() + "/" + admin[0] + "/rotate");
        rotated.then().statusCode(200).body("id", is(admin[0])).body("name", is("rotating"));
        String fresh = rotated.path("key");
        assertNotEquals(admin[1], fresh);
        assertTrue(fresh.startsWith("lka_" + admin[0]));
        assertEquals("lka_" + admin[0] + "…" + fresh.substring(fresh.length() - 4), rotated.path("masked"));
        // during the grace period both secrets work
        as(fresh).get("/api/v1/me").then().statusCode(200);
        as(admin[1]).get("/api/v1/me").then().statusCode(200);

        // rotating again without grace: only the newest secret works
        String newest = as(o.token()).body(Map.of()).post(o.keys() + "/" + admin[0] + "/rotate").then().statusCode(200)
                .extract().path("key");
        as(newest).get("/api/v1/me").then().statusCode(200);
        as(fresh).get("/api/v1/me").then().statusCode(401);
        as(admin[1]).get("/api/v1/me").then().statusCode(401);
        // and a rotate without a body is a rotate with no grace period
        as(o.token()).post(o.keys() + "/" + admin[0] + "/rotate").then().statusCode(200);
        as(newest).get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void disabledExpiredAndRevokedKeysStopAuthenticating() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] a = Api.key(o.slug(), o.token(), Map.of("kind", "admin", "name", "a"));
        as(o.token()).body(Map.of("enabled", false)).patch(o.keys() + "/" + a[0]).then().statusCode(200)
                .body("state", is("disabled")).body("enabled", is(false));
        as(a[1]).get("/api/v1/me").then().statusCode(401);
        as(o.token()).body(Map.of("enabled", true)).patch(o.keys() + "/" + a[0]).then().body("state", is("active"));
        as(a[1]).get("/api/v1/me").then().statusCode(200);
        as(o.token()).post(o.keys() + "/" + a[0] + "/revoke").then().body("state", is("revoked"));
        as(a[1]).get("/api/v1/me").then().statusCode(401);

        String expiresAt = clock.instant().plusSeconds(60).toString();
        String[] b = Api.key(o.slug(), o.token(), Map.of("kind", "admin", "name", "b", "expiresAt", expiresAt));
        as(b[1]).get("/api/v1/me").then().statusCode(200);
        clock.advance(java.time.Duration.ofSeconds(61));
        as(b[1]).get("/api/v1/me").then().statusCode(401);
        as(o.token()).get(o.keys() + "/" + b[0]).then().body("state", is("expired"));
    }

    @Test
    void listFiltersByKindWorkspaceAndState() {
        Api.Fixture o = Api.fixture();
        String ws2 = Api.workspace(o.slug(), o.token());
        String onWs = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())))[0];
        String onWs2 = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws2)))[0];
        String all = Api.key(o.slug(), o.token(),
                Map.of("kind", "personal", "role", "viewer", "scope", Api.allScope()))[0];
        String both = Api.key(o.slug(), o.token(), Map.of("kind", "service", "permissions", List.of("documents:*"),
                "scope", Api.listScope(List.of(o.ws(), ws2))))[0];
        String admin = Api.key(o.slug(), o.token(), Map.of("kind", "admin"))[0];
        as(o.token()).post(o.keys() + "/" + onWs2 + "/revoke").then().statusCode(200);
        as(o.token()).body(Map.of("enabled", false)).patch(o.keys() + "/" + both).then().statusCode(200);

        as(o.token()).queryParam("workspace", o.ws()).get(o.keys()).then().body("items.id",
                containsInAnyOrder(onWs, all, both, admin));
        as(o.token()).queryParam("kind", "service").get(o.keys()).then().body("items.id",
                containsInAnyOrder(onWs, onWs2, both));
        as(o.token()).queryParam("state", "revoked").get(o.keys()).then().body("items.id", contains(onWs2));
        as(o.token()).queryParam("state", "disabled").get(o.keys()).then().body("items.id", contains(both));
        as(o.token()).queryParam("state", "active").queryParam("kind", "service").get(o.keys()).then().body("items.id",
                contains(onWs));
        as(o.token()).queryParam("workspace", "no-such-ws").get(o.keys()).then().statusCode(200).body("items", empty());
        as(o.token()).get(o.keys() + "/" + both).then().body("scope.type", is("organization"))
                .body("scope.allWorkspaces", is(false)).body("scope.workspaces", containsInAnyOrder(o.ws(), ws2))
                .body("permissions", contains("documents:*")).body("role", nullValue());
        as(o.token()).get(o.keys() + "/" + admin).then().body("kind", is("admin")).body("role", is("admin"))
                .body("scope.allWorkspaces", is(true)).body("masked", startsWith("lka_" + admin));
    }

    @Test
    void membersSeeAndManageOnlyTheirOwnPersonalKeys() {
        Api.Fixture o = Api.fixture();
        String alice = Api.unique("alice");
        String bob = Api.unique("bob");
        Api.member(o.slug(), o.token(), alice, Map.of("role", "editor"));
        Api.member(o.slug(), o.token(), bob, Map.of("role", "editor"));
        String aliceKey = Api.key(o.slug(), Tokens.user(alice),
                Map.of("kind", "personal", "role", "viewer", "scope", Api.wsScope(o.ws())))[0];
        String bobKey = Api.key(o.slug(), Tokens.user(bob),
                Map.of("kind", "personal", "role", "viewer", "scope", Api.wsScope(o.ws())))[0];
        Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        as(Tokens.user(alice)).get(o.keys()).then().statusCode(200).body("items.id", contains(aliceKey));
        as(Tokens.user(alice)).get(o.keys() + "/" + bobKey).then().statusCode(404);
        as(Tokens.user(alice)).post(o.keys() + "/" + bobKey + "/revoke").then().statusCode(404);
        as(Tokens.user(alice)).post(o.keys() + "/" + aliceKey + "/revoke").then().statusCode(200);
        // owners see every key and may revoke a member's personal key
        as(o.token()).get(o.keys()).then().body("items.size()", is(3));
        as(o.token()).post(o.keys() + "/" + bobKey + "/revoke").then().statusCode(200).body("state", is("revoked"));
    }

    @Test
    void deletingAWorkspaceRevokesKeysScopedToItAloneAndNarrowsOthers() {
        Api.Fixture o = Api.fixture();
        String ws2 = Api.workspace(o.slug(), o.token());
        String only = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws2)))[0];
        String listOnly = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.listScope(List.of(ws2))))[0];
        String both = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.listScope(List.of(o.ws(), ws2))))[0];
        String all = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.allScope()))[0];
        String m = Api.unique("m");
        Api.member(o.slug(), o.token(), m, Map.of("workspaceRoles", Map.of(ws2, "editor", o.ws(), "viewer")));

        as(o.token()).delete("/api/v1/orgs/" + o.slug() + "/workspaces/" + ws2).then().statusCode(204);
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/workspaces/" + ws2).then().statusCode(404);
        as(o.token()).get(o.keys() + "/" + only).then().body("state", is("revoked")).body("scope.workspace", is(ws2));
        as(o.token()).get(o.keys() + "/" + listOnly).then().body("state", is("revoked"));
        as(o.token()).get(o.keys() + "/" + both).then().body("state", is("active")).body("scope.workspaces",
                contains(o.ws()));
        as(o.token()).get(o.keys() + "/" + all).then().body("state", is("active")).body("scope.allWorkspaces",
                is(true));
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/members/" + m).then().body("workspaceRoles",
                is(Map.of(o.ws(), "viewer")));
        as(o.token()).queryParam("target", only).queryParam("action", "key.revoked")
                .get("/api/v1/orgs/" + o.slug() + "/audit").then()
                .body("items[0].details.reason", is("workspace deleted"));
        // the slug can be used again for a new workspace, which the old keys do not reach
        as(o.token()).body(Map.of("slug", ws2, "name", "again")).post("/api/v1/orgs/" + o.slug() + "/workspaces").then()
                .statusCode(201);
        as(o.token()).get(o.keys() + "/" + both).then().body("scope.workspaces", contains(o.ws()));
    }

    @Test
    void builtInRolesAreImmutableAndRolesInUseStay() {
        Api.Fixture o = Api.fixture();
        String roles = "/api/v1/orgs/" + o.slug() + "/roles";
        as(o.token()).get(roles + "/admin").then().statusCode(200).body("permissions", contains("*")).body("builtIn",
                is(true));
        as(o.token()).get(roles + "/search").then().body("permissions", contains("search"));
        as(o.token()).body(Map.of("permissions", List.of("read"))).put(roles + "/viewer").then().statusCode(409);
        as(o.token()).delete(roles + "/editor").then().statusCode(409);
        as(o.token()).body(Map.of("name", "viewer", "permissions", List.of("read"))).post(roles).then().statusCode(409);

        as(o.token()).body(Map.of("name", "docs-reader", "permissions", List.of("documents:read", "documents:read")))
                .post(roles).then().statusCode(201).header("Location", endsWith("/roles/docs-reader"))
                .body("permissions", contains("documents:read")).body("builtIn", is(false));
        as(o.token()).body(Map.of("name", "docs-reader", "permissions", List.of("x"))).post(roles).then()
                .statusCode(409);
        String key = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "docs-reader", "scope", Api.wsScope(o.ws())))[0];
        as(o.token()).delete(roles + "/docs-reader").then().statusCode(409).body("detail", containsString("1 key"));
        // a role change is what the key holds now
        as(o.token()).body(Map.of("permissions", List.of("documents:*"))).put(roles + "/docs-reader").then()
                .statusCode(200);
        as(o.token()).get(o.keys() + "/" + key).then().body("role", is("docs-reader")).body("permissions",
                contains("documents:*"));
        as(o.token()).body(Map.of("name", "renamed", "permissions", List.of("x"))).put(roles + "/docs-reader").then()
                .statusCode(400);
        as(o.token()).post(o.keys() + "/" + key + "/revoke");
        String m = Api.unique("m");
        Api.member(o.slug(), o.token(), m, Map.of("workspaceRoles", Map.of(o.ws(), "docs-reader")));
        as(o.token()).delete(roles + "/docs-reader").then().statusCode(409).body("detail", containsString("1 member"));
        as(o.token()).delete("/api/v1/orgs/" + o.slug() + "/members/" + m).then().statusCode(204);
        as(o.token()).delete(roles + "/docs-reader").then().statusCode(204);
        as(o.token()).get(roles + "/docs-reader").then().statusCode(404);
    }

    @Test
    void meDescribesAUser() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        String m = Api.unique("m");
        Api.member(org, ot, m, Map.of("role", "viewer", "workspaceRoles", Map.of(ws, "editor")));
        as(Tokens.user(m)).get("/api/v1/me").then().statusCode(200).body("type", is("user")).body("subject", is(m))
                .body("platformAdmin", is(false)).body("memberships.size()", is(1))
                .body("memberships[0].organization", is(org)).body("memberships[0].orgRole", is("member"))
                .body("memberships[0].role", is("viewer")).body("memberships[0].workspaceRoles." + ws, is("editor"))
                .body("memberships[0].orgWidePermissions", contains("read"))
                .body("memberships[0].permissions." + ws, containsInAnyOrder("read", "write"));
        as(Tokens.platformAdmin("root")).get("/api/v1/me").then().body("platformAdmin", is(true));
    }
}
