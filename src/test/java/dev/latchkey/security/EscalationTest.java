package dev.latchkey.security;

import static dev.latchkey.support.Api.allScope;
import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.listScope;
import static dev.latchkey.support.Api.wsScope;
import static org.hamcrest.Matchers.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/** Nobody mints or widens a key beyond their own authority (seeds 000 and 003); each rule with its allowed twin. */
@QuarkusTest
class EscalationTest {

    record Org(String slug, String ownerToken, String memberToken, String member, String ws, String ws2) {
    }

    private Org org(Map<String, Object> membership) {
        String owner = Api.unique("owner");
        String slug = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(slug, ot);
        String ws2 = Api.workspace(slug, ot);
        String member = Api.unique("member");
        Api.member(slug, ot, member, membership);
        return new Org(slug, ot, Tokens.user(member), member, ws, ws2);
    }

    @Test
    void memberCannotCreateServiceOrAdminKeysButCanCreatePersonal() {
        Org o = org(Map.of("orgRole", "member", "role", "editor"));
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))
                .then().statusCode(403).body("code", is("forbidden"));
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "admin")).then().statusCode(403);
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "personal", "role", "viewer", "scope", wsScope(o.ws())))
                .then().statusCode(201).body("kind", is("personal"));
    }

    @Test
    void memberCannotMintAdminRoleOrPermissionsTheyLack() {
        Org o = org(Map.of("orgRole", "member", "role", "editor"));
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "personal", "role", "admin", "scope", wsScope(o.ws())))
                .then().statusCode(403).body("detail", containsString("*"));
        Api.createKey(o.slug(), o.memberToken(),
                Map.of("kind", "personal", "permissions", List.of("read", "delete"), "scope", wsScope(o.ws()))).then()
                .statusCode(403).body("detail", containsString("delete"));
        Api.createKey(o.slug(), o.memberToken(),
                Map.of("kind", "personal", "permissions", List.of("read", "write"), "scope", wsScope(o.ws()))).then()
                .statusCode(201);
    }

    @Test
    void workspaceRoleCountsOnlyOnItsWorkspace() {
        Org base = org(Map.of("orgRole", "member"));
        // give the member editor on ws only
        Api.member(base.slug(), base.ownerToken(), base.member(),
                Map.of("orgRole", "member", "workspaceRoles", Map.of(base.ws(), "editor")));
        Api.createKey(base.slug(), base.memberToken(),
                Map.of("kind", "personal", "role", "editor", "scope", wsScope(base.ws()))).then().statusCode(201);
        Api.createKey(base.slug(), base.memberToken(),
                Map.of("kind", "personal", "role", "viewer", "scope", wsScope(base.ws2()))).then().statusCode(403);
        Api.createKey(base.slug(), base.memberToken(),
                Map.of("kind", "personal", "role", "viewer", "scope", listScope(List.of(base.ws(), base.ws2())))).then()
                .statusCode(403).body("detail", containsString(base.ws2()));
        // all workspaces (present and future) needs the org-wide role
        Api.createKey(base.slug(), base.memberToken(),
                Map.of("kind", "personal", "role", "viewer", "scope", allScope())).then().statusCode(403);
    }

    @Test
    void orgWideRoleAllowsAllWorkspacesScope() {
        Org o = org(Map.of("orgRole", "member", "role", "viewer"));
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "personal", "role", "viewer", "scope", allScope()))
                .then().statusCode(201);
        Api.createKey(o.slug(), o.memberToken(), Map.of("kind", "personal", "role", "editor", "scope", allScope()))
                .then().statusCode(403);
    }

    @Test
    void patchCannotWidenBeyondTheCallersAuthority() {
        Org o = org(Map.of("orgRole", "member", "role", "editor"));
        String keyId = Api.key(o.slug(), o.memberToken(),
                Map.of("kind", "personal", "role", "viewer", "scope", wsScope(o.ws())))[0];
        String path = "/api/v1/orgs/" + o.slug() + "/keys/" + keyId;
        as(o.memberToken()).body(Map.of("role", "admin")).patch(path).then().statusCode(403);
        as(o.memberToken()).body(Map.of("permissions", List.of("*"))).patch(path).then().statusCode(403);
        as(o.memberToken()).body(Map.of("scope", allScope())).patch(path).then().statusCode(200);
        as(o.memberToken()).get(path).then().body("role", is("viewer")).body("scope.allWorkspaces", is(true));
        as(o.memberToken()).body(Map.of("role", "editor")).patch(path).then().statusCode(200).body("permissions",
                contains("read", "write"));
        // an owner may widen it (effective rights stay capped by the member at verify time)
        as(o.ownerToken()).body(Map.of("permissions", List.of("read", "write", "search"))).patch(path).then()
                .statusCode(200).body("role", nullValue()).body("permissions", contains("read", "write", "search"));
    }

    @Test
    void adminKeyCannotCreateKeysInAnotherOrganization() {
        Org a = org(Map.of("orgRole", "member"));
        Org b = org(Map.of("orgRole", "member"));
        String adminKeyA = Api.key(a.slug(), a.ownerToken(), Map.of("kind", "admin"))[1];
        Api.createKey(b.slug(), adminKeyA, Map.of("kind", "service", "role", "viewer", "scope", wsScope(b.ws()))).then()
                .statusCode(404).body("code", is("not_found"));
        Api.createKey(a.slug(), adminKeyA, Map.of("kind", "service", "role", "viewer", "scope", wsScope(a.ws()))).then()
                .statusCode(201).body("createdBy.type", is("key"));
        // admin keys may create admin keys (Elastic) but not personal keys (those belong to a member)
        Api.createKey(a.slug(), adminKeyA, Map.of("kind", "admin")).then().statusCode(201);
        Api.createKey(a.slug(), adminKeyA, Map.of("kind", "personal", "role", "viewer", "scope", wsScope(a.ws())))
                .then().statusCode(403);
    }

    @Test
    void keysCannotManageKeys() {
        Org o = org(Map.of("orgRole", "member", "role", "editor"));
        String personal = Api.key(o.slug(), o.memberToken(),
                Map.of("kind", "personal", "role", "viewer", "scope", wsScope(o.ws())))[1];
        String service = Api.key(o.slug(), o.ownerToken(),
                Map.of("kind", "service", "role", "admin", "scope", allScope()))[1];
        for (String key : List.of(personal, service)) {
            Api.createKey(o.slug(), key, Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()))).then()
                    .statusCode(403);
            as(key).get("/api/v1/orgs/" + o.slug() + "/keys").then().statusCode(403);
        }
    }

    @Test
    void kindAndExpiryAreImmutable() {
        Org o = org(Map.of("orgRole", "member"));
        String keyId = Api.key(o.slug(), o.ownerToken(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "expiresAt", "2099-01-01T00:00:00Z"))[0];
        String path = "/api/v1/orgs/" + o.slug() + "/keys/" + keyId;
        as(o.ownerToken()).body(Map.of("kind", "admin")).patch(path).then().statusCode(400).body("errors.field",
                hasItem("kind"));
        as(o.ownerToken()).body(Map.of("expiresAt", "2199-01-01T00:00:00Z")).patch(path).then().statusCode(400)
                .body("errors.field", hasItem("expiresAt"));
        as(o.ownerToken()).get(path).then().body("kind", is("service")).body("expiresAt", is("2099-01-01T00:00:00Z"));
    }

    @Test
    void revocationIsFinal() {
        Org o = org(Map.of("orgRole", "member"));
        String keyId = Api.key(o.slug(), o.ownerToken(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[0];
        String path = "/api/v1/orgs/" + o.slug() + "/keys/" + keyId;
        as(o.ownerToken()).post(path + "/revoke").then().statusCode(200).body("state", is("revoked")).body("revokedAt",
                notNullValue());
        as(o.ownerToken()).body(Map.of("enabled", true)).patch(path).then().statusCode(409).body("code",
                is("conflict"));
        as(o.ownerToken()).body(Map.of()).post(path + "/rotate").then().statusCode(409);
        as(o.ownerToken()).get(path).then().body("state", is("revoked"));
    }

    @Test
    void adminsCannotTouchOwnersAndTheLastOwnerStays() {
        String owner = Api.unique("owner");
        String slug = Api.org(owner);
        String ot = Tokens.user(owner);
        String admin = Api.unique("admin");
        Api.member(slug, ot, admin, Map.of("orgRole", "admin"));
        String at = Tokens.user(admin);
        as(at).body(Map.of("orgRole", "owner")).put("/api/v1/orgs/" + slug + "/members/" + admin).then()
                .statusCode(403);
        as(at).body(Map.of("orgRole", "member")).put("/api/v1/orgs/" + slug + "/members/" + owner).then()
                .statusCode(403);
        as(at).delete("/api/v1/orgs/" + slug + "/members/" + owner).then().statusCode(403);
        as(ot).delete("/api/v1/orgs/" + slug + "/members/" + owner).then().statusCode(409);
        as(ot).body(Map.of("orgRole", "admin")).put("/api/v1/orgs/" + slug + "/members/" + owner).then()
                .statusCode(409);
        // with a second owner, the first may step down
        as(ot).body(Map.of("orgRole", "owner")).put("/api/v1/orgs/" + slug + "/members/" + admin).then().statusCode(200)
                .body("orgRole", is("owner"));
        as(ot).body(Map.of("orgRole", "admin")).put("/api/v1/orgs/" + slug + "/members/" + owner).then().statusCode(200)
                .body("orgRole", is("admin"));
    }
}
