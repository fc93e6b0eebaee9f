package dev.latchkey.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * What the gateway ITs (nginx, Caddy) ask about, on the service RestAssured points at: an organization with a workspace
 * {@code shop} and one key for each answer — a reader of shop, an editor of another workspace, a reader limited to one
 * call an hour, and a reader allowed only {@code GET /shop/products/**}. Keys are {keyId, key} pairs.
 */
record ShopKeys(String org, String ownerToken, String[] reader, String[] other, String[] limited, String[] routed) {

    static ShopKeys create() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        Api.as(ot).body(Map.of("slug", "shop", "name", "Shop")).post("/api/v1/orgs/" + org + "/workspaces").then()
                .statusCode(201);
        String[] reader = Api.key(org, ot,
                Map.of("kind", "service", "name", "shop-reader", "role", "viewer", "scope", Api.wsScope("shop")));
        String[] other = Api.key(org, ot,
                Map.of("kind", "service", "role", "editor", "scope", Api.wsScope(Api.workspace(org, ot))));
        String[] limited = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope("shop"),
                "rateLimit", Map.of("limit", 1, "windowSeconds", 3600)));
        Map<String, Object> routes = new HashMap<>(
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope("shop")));
        routes.put("routes", List.of(Map.of("methods", List.of("GET"), "path", "/shop/products/**")));
        return new ShopKeys(org, ot, reader, other, limited, Api.key(org, ot, routes));
    }

    /** Revokes the reader key through the management API. */
    void revokeReader() {
        Api.as(ownerToken).post("/api/v1/orgs/" + org + "/keys/" + reader[0] + "/revoke").then().statusCode(200);
    }
}
