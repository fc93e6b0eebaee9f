package dev.latchkey.security;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * Every management route against every kind of caller, with the exact status expected. Each cell gets fresh targets (a
 * new workspace to delete, a new key to rotate...), so cells do not depend on each other. Callers of another
 * organization get 404 everywhere: they never learn what exists.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

    enum Who {
        PLATFORM_ADMIN, OWNER, ORG_ADMIN, MEMBER, OTHER_OWNER, OTHER_ADMIN_KEY, PERSONAL_KEY, SERVICE_KEY, ADMIN_KEY,
        NONE, EXPIRED_JWT, TAMPERED_JWT, OTHER_ISSUER_JWT, WRONG_KEY_JWT
    }

    private String org;
    private String ws;
    private String ownerToken;
    private final Map<Who, String> credentials = new EnumMap<>(Who.class);
    private String sharedDelivery;

    private void setUp() {
        if (org != null) {
            return;
        }
        String owner = Api.unique("owner");
        String admin = Api.unique("admin");
        String member = Api.unique("member");
        org = Api.org(owner);
        ownerToken = Tokens.user(owner);
        ws = Api.workspace(org, ownerToken);
        Api.member(org, ownerToken, admin, Map.of("orgRole", "admin"));
        Api.member(org, ownerToken, member, Map.of("orgRole", "member", "role", "editor"));
        String otherOwner = Api.unique("other");
        String otherOrg = Api.org(otherOwner);

        credentials.put(Who.PLATFORM_ADMIN, Tokens.platformAdmin(Api.unique("root")));
        credentials.put(Who.OWNER, ownerToken);
        credentials.put(Who.ORG_ADMIN, Tokens.user(admin));
        credentials.put(Who.MEMBER, Tokens.user(member));
        credentials.put(Who.OTHER_OWNER, Tokens.user(otherOwner));
        credentials.put(Who.OTHER_ADMIN_KEY, Api.key(otherOrg, Tokens.user(otherOwner), Map.of("kind", "admin"))[1]);
        credentials.put(Who.PERSONAL_KEY, Api.key(org, Tokens.user(member),
                Map.of("kind", "personal", "role", "viewer", "scope", wsScope(ws)))[1]);
        credentials.put(Who.SERVICE_KEY,
                Api.key(org, ownerToken, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[1]);
        credentials.put(Who.ADMIN_KEY, Api.key(org, ownerToken, Map.of("kind", "admin"))[1]);
        credentials.put(Who.NONE, null);
        credentials.put(Who.EXPIRED_JWT, Tokens.expired(owner));
        credentials.put(Who.TAMPERED_JWT, Tokens.tampered(member, owner));
        credentials.put(Who.OTHER_ISSUER_JWT, Tokens.otherIssuer(owner));
        credentials.put(Who.WRONG_KEY_JWT, Tokens.wrongKey(owner));
    }

    /** Fresh targets for one cell, created by the owner on demand. */
    private final class Fresh {
        String workspace() {
            return Api.workspace(org, ownerToken);
        }

        String role() {
            String name = Api.unique("role");
            as(ownerToken).body(Map.of("name", name, "permissions", List.of("read")))
                    .post("/api/v1/orgs/" + org + "/roles").then().statusCode(201);
            return name;
        }

        String member() {
            String subject = Api.unique("m");
            Api.member(org, ownerToken, subject, Map.of("orgRole", "member"));
            return subject;
        }

        String serviceKey() {
            return Api.key(org, ownerToken, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[0];
        }

        /** A webhook endpoint (wanting key.created) of the organization. */
        String webhook() {
            return as(ownerToken).body(Map.of("url", "http://127.0.0.1:9/matrix", "events", List.of("key.created")))
                    .post("/api/v1/orgs/" + org + "/webhooks").then().statusCode(201).extract().path("id");
        }

        /**
         * One endpoint for every cell that does not delete it (an organization has at most 20), with a delivery:
         * {@code {webhook}/deliveries/{delivery}}.
         */
        String sharedDelivery() {
            if (sharedDelivery == null) {
                String hook = webhook();
                serviceKey();
                String id = as(ownerToken).get("/api/v1/orgs/" + org + "/webhooks/" + hook + "/deliveries").then()
                        .statusCode(200).extract().path("items[0].id");
                sharedDelivery = hook + "/deliveries/" + id;
            }
            return sharedDelivery;
        }

        String sharedWebhook() {
            return sharedDelivery().substring(0, sharedDelivery().indexOf('/'));
        }
    }

    private record Route(String label, String method, Function<Fresh, String> path, Function<Fresh, Object> body,
            Map<Who, Integer> expected) {
    }

    /** Expected statuses for an organization route; outsiders 404, bad credentials 401. */
    private static Map<Who, Integer> org(int platformAdmin, int owner, int orgAdmin, int member, int personalKey,
            int serviceKey, int adminKey) {
        Map<Who, Integer> m = new EnumMap<>(Who.class);
        m.put(Who.PLATFORM_ADMIN, platformAdmin);
        m.put(Who.OWNER, owner);
        m.put(Who.ORG_ADMIN, orgAdmin);
        m.put(Who.MEMBER, member);
        m.put(Who.OTHER_OWNER, 404);
        m.put(Who.OTHER_ADMIN_KEY, 404);
        m.put(Who.PERSONAL_KEY, personalKey);
        m.put(Who.SERVICE_KEY, serviceKey);
        m.put(Who.ADMIN_KEY, adminKey);
        for (Who w : List.of(Who.NONE, Who.EXPIRED_JWT, Who.TAMPERED_JWT, Who.OTHER_ISSUER_JWT, Who.WRONG_KEY_JWT)) {
            m.put(w, 401);
        }
        return m;
    }

    private List<Route> routes() {
        String o = "/api/v1/orgs/" + org;
        List<Route> r = new ArrayList<>();
        Map<Who, Integer> createOrg = org(201, 403, 403, 403, 403, 403, 403);
        createOrg.put(Who.OTHER_OWNER, 403);
        createOrg.put(Who.OTHER_ADMIN_KEY, 403);
        r.add(new Route("POST /orgs", "POST", f -> "/api/v1/orgs",
                f -> Map.of("slug", Api.unique("neworg"), "name", "New", "owner", "someone"), createOrg));
        r.add(new Route("GET /orgs/{org}", "GET", f -> o, f -> null, org(200, 200, 200, 200, 403, 403, 403)));
        // workspaces
        r.add(new Route("GET workspaces", "GET", f -> o + "/workspaces", f -> null,
                org(404, 200, 200, 200, 403, 403, 403)));
        r.add(new Route("POST workspaces", "POST", f -> o + "/workspaces",
                f -> Map.of("slug", Api.unique("w"), "name", "W"), org(404, 201, 201, 403, 403, 403, 403)));
        r.add(new Route("GET workspace", "GET", f -> o + "/workspaces/" + ws, f -> null,
                org(404, 200, 200, 200, 403, 403, 403)));
        r.add(new Route("PATCH workspace", "PATCH", f -> o + "/workspaces/" + f.workspace(),
                f -> Map.of("name", "Renamed"), org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("DELETE workspace", "DELETE", f -> o + "/workspaces/" + f.workspace(), f -> null,
                org(404, 204, 204, 403, 403, 403, 403)));
        // roles
        r.add(new Route("GET roles", "GET", f -> o + "/roles", f -> null, org(404, 200, 200, 200, 403, 403, 403)));
        r.add(new Route("POST roles", "POST", f -> o + "/roles",
                f -> Map.of("name", Api.unique("r"), "permissions", List.of("read")),
                org(404, 201, 201, 403, 403, 403, 403)));
        r.add(new Route("GET role", "GET", f -> o + "/roles/editor", f -> null,
                org(404, 200, 200, 200, 403, 403, 403)));
        r.add(new Route("PUT role", "PUT", f -> o + "/roles/" + f.role(),
                f -> Map.of("permissions", List.of("read", "x")), org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("DELETE role", "DELETE", f -> o + "/roles/" + f.role(), f -> null,
                org(404, 204, 204, 403, 403, 403, 403)));
        // members
        r.add(new Route("GET members", "GET", f -> o + "/members", f -> null, org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("PUT member", "PUT", f -> o + "/members/" + Api.unique("new"), f -> Map.of("orgRole", "member"),
                org(404, 201, 201, 403, 403, 403, 403)));
        r.add(new Route("GET member", "GET", f -> o + "/members/" + f.member(), f -> null,
                org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("DELETE member", "DELETE", f -> o + "/members/" + f.member(), f -> null,
                org(404, 204, 204, 403, 403, 403, 403)));
        // keys (admin keys manage keys; members only their own personal keys, so another's key is 404)
        r.add(new Route("GET keys", "GET", f -> o + "/keys", f -> null, org(404, 200, 200, 200, 403, 403, 200)));
        r.add(new Route("POST keys (service)", "POST", f -> o + "/keys",
                f -> Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)),
                org(404, 201, 201, 403, 403, 403, 201)));
        r.add(new Route("GET key", "GET", f -> o + "/keys/" + f.serviceKey(), f -> null,
                org(404, 200, 200, 404, 403, 403, 200)));
        r.add(new Route("PATCH key", "PATCH", f -> o + "/keys/" + f.serviceKey(), f -> Map.of("enabled", false),
                org(404, 200, 200, 404, 403, 403, 200)));
        r.add(new Route("DELETE key", "DELETE", f -> o + "/keys/" + f.serviceKey(), f -> null,
                org(404, 204, 204, 404, 403, 403, 204)));
        r.add(new Route("POST revoke", "POST", f -> o + "/keys/" + f.serviceKey() + "/revoke", f -> null,
                org(404, 200, 200, 404, 403, 403, 200)));
        r.add(new Route("POST rotate", "POST", f -> o + "/keys/" + f.serviceKey() + "/rotate",
                f -> Map.of("gracePeriodSeconds", 0), org(404, 200, 200, 404, 403, 403, 200)));
        // audit
        r.add(new Route("GET audit", "GET", f -> o + "/audit", f -> null, org(404, 200, 200, 403, 403, 403, 403)));
        // webhooks: owners and admins only, never keys
        String w = o + "/webhooks";
        r.add(new Route("GET webhooks", "GET", f -> w, f -> null, org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("POST webhooks", "POST", f -> w,
                f -> Map.of("url", "http://127.0.0.1:9/matrix", "events", List.of("key.revoked")),
                org(404, 201, 201, 403, 403, 403, 403)));
        r.add(new Route("GET webhook", "GET", f -> w + "/" + f.sharedWebhook(), f -> null,
                org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("PATCH webhook", "PATCH", f -> w + "/" + f.sharedWebhook(), f -> Map.of("enabled", false),
                org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("DELETE webhook", "DELETE", f -> w + "/" + f.webhook(), f -> null,
                org(404, 204, 204, 403, 403, 403, 403)));
        r.add(new Route("POST rotate-secret", "POST", f -> w + "/" + f.sharedWebhook() + "/rotate-secret", f -> null,
                org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("GET deliveries", "GET", f -> w + "/" + f.sharedWebhook() + "/deliveries", f -> null,
                org(404, 200, 200, 403, 403, 403, 403)));
        r.add(new Route("POST redeliver", "POST", f -> w + "/" + f.sharedDelivery() + "/redeliver", f -> null,
                org(404, 202, 202, 403, 403, 403, 403)));
        // me: anybody authenticated
        Map<Who, Integer> me = org(200, 200, 200, 200, 200, 200, 200);
        me.put(Who.OTHER_OWNER, 200);
        me.put(Who.OTHER_ADMIN_KEY, 200);
        r.add(new Route("GET /me", "GET", f -> "/api/v1/me", f -> null, me));
        return r;
    }

    @TestFactory
    Stream<DynamicTest> matrix() {
        setUp();
        List<DynamicTest> tests = new ArrayList<>();
        for (Route route : routes()) {
            for (Who who : Who.values()) {
                int expected = route.expected().get(who);
                tests.add(DynamicTest.dynamicTest(route.label() + " as " + who + " -> " + expected, () -> {
                    Fresh fresh = new Fresh();
                    String path = route.path().apply(fresh);
                    Object body = route.body().apply(fresh);
                    RequestSpecification req = as(credentials.get(who));
                    if (body != null) {
                        req = req.body(body);
                    }
                    Response res = req.request(route.method(), path);
                    assertEquals(expected, res.statusCode(), route.label() + " as " + who + ": " + res.asString());
                    if (expected >= 400) {
                        assertEquals("application/problem+json", res.contentType().split(";")[0]);
                    }
                    if (expected == 401) {
                        assertEquals("Bearer", res.header("WWW-Authenticate"));
                    }
                }));
            }
        }
        return tests.stream();
    }
}
