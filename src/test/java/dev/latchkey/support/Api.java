package dev.latchkey.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Small helpers to set up organizations, members, workspaces and keys through the real API. */
public final class Api {

    private Api() {
    }

    /** A fresh organization with an owner's token and two workspaces. */
    public record Fixture(String slug, String token, String ws, String ws2) {
        /** The organization's key collection path. */
        public String keys() {
            return "/api/v1/orgs/" + slug + "/keys";
        }
    }

    /** Creates a {@link Fixture}. */
    public static Fixture fixture() {
        String owner = unique("owner");
        String slug = org(owner);
        String token = Tokens.user(owner);
        return new Fixture(slug, token, workspace(slug, token), workspace(slug, token));
    }

    /** An organization with its owner, one workspace and one member with the given membership. */
    public record Team(String slug, String owner, String ownerToken, String ws, String member, String memberToken) {
    }

    /** Creates a {@link Team}. */
    public static Team team(Map<String, Object> membership) {
        String owner = unique("owner");
        String slug = org(owner);
        String ownerToken = Tokens.user(owner);
        String ws = workspace(slug, ownerToken);
        String member = unique("member");
        member(slug, ownerToken, member, membership);
        return new Team(slug, owner, ownerToken, ws, member, Tokens.user(member));
    }

    /** A fresh, unique slug with a readable stem. */
    public static String unique(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A request with a bearer credential (JWT or key); null for none. */
    public static RequestSpecification as(String bearer) {
        RequestSpecification r = given().contentType(ContentType.JSON);
        return bearer == null ? r : r.header("Authorization", "Bearer " + bearer);
    }

    /** Creates an organization owned by {@code owner}; returns its slug. */
    public static String org(String owner) {
        String slug = unique("org");
        as(Tokens.platformAdmin("platform-root")).body(Map.of("slug", slug, "name", "Org " + slug, "owner", owner))
                .post("/api/v1/orgs").then().statusCode(201);
        return slug;
    }

    /** Creates a workspace; returns its slug. */
    public static String workspace(String org, String ownerToken) {
        String slug = unique("ws");
        as(ownerToken).body(Map.of("slug", slug, "name", "Workspace " + slug))
                .post("/api/v1/orgs/" + org + "/workspaces").then().statusCode(201);
        return slug;
    }

    /** Puts a membership. */
    public static void member(String org, String managerToken, String subject, Map<String, Object> body) {
        Response r = as(managerToken).body(body).put("/api/v1/orgs/" + org + "/members/" + subject);
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new AssertionError("member put failed: " + r.statusCode() + " " + r.asString());
        }
    }

    /** Creates a key with a body; returns the response (201 expected by callers that check). */
    public static Response createKey(String org, String bearer, Map<String, Object> body) {
        return as(bearer).body(body).post("/api/v1/orgs/" + org + "/keys");
    }

    /** Creates a key and returns {keyId, full key}; fails unless 201. */
    public static String[] key(String org, String bearer, Map<String, Object> body) {
        Response r = createKey(org, bearer, body);
        if (r.statusCode() != 201) {
            throw new AssertionError("key create failed: " + r.statusCode() + " " + r.asString());
        }
        return new String[] { r.path("id"), r.path("key") };
    }

    /** A workspace scope. */
    public static Map<String, Object> wsScope(String ws) {
        return Map.of("type", "workspace", "workspace", ws);
    }

    /** An all-workspaces organization scope. */
    public static Map<String, Object> allScope() {
        return Map.of("type", "organization", "allWorkspaces", true);
    }

    /** An organization scope over listed workspaces. */
    public static Map<String, Object> listScope(List<String> ws) {
        return Map.of("type", "organization", "workspaces", ws);
    }
}
