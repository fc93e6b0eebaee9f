package dev.latchkey.elastic;

import static dev.latchkey.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/** The App Search Credentials API as seed 002 shows it, example for example, and every error rule. */
@QuarkusTest
class ElasticCredentialsTest {

    static final String PATH = "/api/as/v1/credentials";

    /** An organization with the seed's two engines and a first admin key made through the native API. */
    record Org(String slug, String ownerToken, String admin) {
    }

    static Org org() {
        String owner = Api.unique("owner");
        String slug = Api.org(owner);
        String t = Tokens.user(owner);
        for (String ws : List.of("my-first-engine", "my-second-engine")) {
            as(t).body(Map.of("slug", ws, "name", ws)).post("/api/v1/orgs/" + slug + "/workspaces").then()
                    .statusCode(201);
        }
        String admin = Api.key(slug, t, Map.of("kind", "admin", "name", "my-admin-key"))[1];
        return new Org(slug, t, admin);
    }

    static ValidatableResponse post(Org o, String body) {
        return given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON).body(body)
                .post(PATH).then();
    }

    static String verifyCode(String key, String... permissions) {
        return given().contentType(ContentType.JSON).body(Map.of("key", key, "permissions", List.of(permissions)))
                .post("/verify").then().statusCode(200).extract().path("code");
    }

    @Test
    void createPrivateSearchAndAdminKeysAsInTheSeed() {
        Org o = org();
        Response priv = given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON).body("""
                {"name": "reading-private-key", "type": "private", "read": true, "write": false,
                 "access_all_engines": false, "engines": ["my-second-engine"]}""").post(PATH);
        priv.then().statusCode(200).body("name", is("reading-private-key")).body("type", is("private"))
                .body("read", is(true)).body("write", is(false)).body("access_all_engines", is(false))
                .body("engines", contains("my-second-engine")).body("key", startsWith("private-"))
                .body("meta.page.current", is(1)).body("meta.page.total_pages", is(1))
                .body("meta.page.total_results", is(1)).body("meta.page.size", is(25)).body("results.size()", is(1))
                .body("results[0].name", is("reading-private-key"))
                .body("results[0].key", is((String) priv.path("key")))
                .body("results[0].engines", contains("my-second-engine"));
        String privateKey = priv.path("key");
        assertEquals("private-".length() + 65, privateKey.length());

        Response search = given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON).body("""
                {"name": "public-searching-key", "type": "search", "access_all_engines": false,
                 "engines": ["my-first-engine", "my-second-engine"]}""").post(PATH);
        search.then().statusCode(200).body("type", is("search")).body("key", startsWith("search-"))
                .body("engines", contains("my-first-engine", "my-second-engine")).body("$", not(hasKey("read")));

        Response admin = post(o, "{\"name\": \"private-admin-key\", \"type\": \"admin\"}").extract().response();
        admin.then().statusCode(200).body("type", is("admin")).body("key", startsWith("admin-"))
                .body("$", not(hasKey("engines"))).body("$", not(hasKey("access_all_engines")));

        // they verify like any Latchkey key
        assertEquals("VALID", verifyCode(privateKey, "read"));
        assertEquals("INSUFFICIENT_PERMISSIONS", verifyCode(privateKey, "write"));
        assertEquals("VALID", verifyCode(search.path("key"), "search"));
        assertEquals("INSUFFICIENT_PERMISSIONS", verifyCode(search.path("key"), "read"));
        assertEquals("FORBIDDEN", verifyCode(admin.path("key")));
        given().contentType(ContentType.JSON).body(Map.of("key", privateKey, "workspace", "my-first-engine"))
                .post("/verify").then().body("code", is("FORBIDDEN"));
        // an Elastic admin key is an admin key for this API too
        given().header("Authorization", "Bearer " + admin.path("key")).get(PATH).then().statusCode(200);
        // and the native API sees them, masked, hashed like any key
        as(o.ownerToken()).queryParam("kind", "service").get("/api/v1/orgs/" + o.slug() + "/keys").then()
                .body("items.name", containsInAnyOrder("reading-private-key", "public-searching-key"))
                .body("items.masked", everyItem(anyOf(startsWith("private-"), startsWith("search-"))));
    }

    @Test
    void listGetPutAndDeleteAsInTheSeed() {
        Org o = org();
        post(o, "{\"name\": \"my-private-key\", \"type\": \"private\", \"read\": true, \"write\": false, "
                + "\"access_all_engines\": true}").statusCode(200);
        String searchKey = post(o, "{\"name\": \"my-search-key\", \"type\": \"search\", \"access_all_engines\": false, "
                + "\"engines\": [\"my-second-engine\"]}").extract().path("key");

        given().header("Authorization", "Bearer " + o.admin()).get(PATH).then().statusCode(200)
                .body("meta.page.current", is(1)).body("meta.page.total_pages", is(1))
                .body("meta.page.total_results", is(3)).body("meta.page.size", is(25))
                .body("results.name", contains("my-admin-key", "my-private-key", "my-search-key"))
                .body("results[1].type", is("private")).body("results[1].read", is(true))
                .body("results[1].write", is(false)).body("results[1].access_all_engines", is(true))
                .body("results[1]", not(hasKey("engines"))).body("results[2].engines", contains("my-second-engine"))
                .body("results[0].type", is("admin")).body("results[0].key", startsWith("lka_"))
                .body("results.key", everyItem(containsString("…")));
        assertFalse(given().header("Authorization", "Bearer " + o.admin()).get(PATH).asString()
                .contains(searchKey.substring(7 + 16)), "reads never show a secret");

        given().header("Authorization", "Bearer " + o.admin()).get(PATH + "/my-private-key").then().statusCode(200)
                .body("name", is("my-private-key")).body("key", allOf(startsWith("private-"), containsString("…")))
                .body("results[0].name", is("my-private-key")).body("meta.page.total_results", is(1));

        given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON).body("""
                {"name": "my-private-key", "type": "private", "read": true, "write": true, "access_all_engines": false,
                 "engines": ["my-first-engine"]}""").put(PATH + "/my-private-key").then().statusCode(200)
                .body("name", is("my-private-key")).body("write", is(true)).body("access_all_engines", is(false))
                .body("engines", contains("my-first-engine")).body("results[0].write", is(true));
        // rename, back to all engines (the seed's PUT example)
        given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON).body("""
                {"name": "renamed-key", "type": "private", "read": true, "write": false, "access_all_engines": true}""")
                .put(PATH + "/my-private-key").then().statusCode(200).body("name", is("renamed-key"))
                .body("access_all_engines", is(true));
        given().header("Authorization", "Bearer " + o.admin()).get(PATH + "/my-private-key").then().statusCode(404)
                .body("errors", contains("Could not find resource"));

        given().header("Authorization", "Bearer " + o.admin()).delete(PATH + "/my-search-key").then().statusCode(200)
                .body("deleted", is(true)).body("$", aMapWithSize(1));
        assertEquals("REVOKED", verifyCode(searchKey, "search"), "a key deleted here is refused at once");
        given().header("Authorization", "Bearer " + o.admin()).get(PATH + "/my-search-key").then().statusCode(404);
        // every change is audited like any key change
        as(o.ownerToken()).queryParam("actor", "my-admin-key").get("/api/v1/orgs/" + o.slug() + "/audit").then()
                .body("items.action", hasItems("key.created", "key.updated", "key.deleted"));
    }

    @Test
    void errorRulesInElasticsShape() {
        Org o = org();
        post(o, "{\"name\": \"taken\", \"type\": \"search\"}").statusCode(200);
        record Case(String body, String message) {
        }
        for (Case c : List.of(new Case("{\"type\": \"search\"}", "Name is required"),
                new Case("{\"name\": \"has space\", \"type\": \"search\"}", "letters, numbers and dashes"),
                new Case("{\"name\": \"under_score\", \"type\": \"search\"}", "letters, numbers and dashes"),
                new Case("{\"name\": \"" + "a".repeat(65) + "\", \"type\": \"search\"}", "64 characters"),
                new Case("{\"name\": \"taken\", \"type\": \"search\"}", "Name has already been taken"),
                new Case("{\"name\": \"x1\"}", "Type must be one of"),
                new Case("{\"name\": \"x2\", \"type\": \"public\"}", "Type must be one of"),
                new Case("{\"name\": \"x3\", \"type\": \"private\", \"write\": false}", "Read is required"),
                new Case("{\"name\": \"x4\", \"type\": \"private\", \"read\": true}", "Write is required"),
                new Case("{\"name\": \"x5\", \"type\": \"private\", \"read\": \"yes\", \"write\": false}",
                        "Read must be true or false"),
                new Case("{\"name\": \"x6\", \"type\": \"search\", \"read\": true}", "only accepted for private keys"),
                new Case("{\"name\": \"x7\", \"type\": \"search\", \"engines\": [\"nope\"]}",
                        "Engine 'nope' does not exist"),
                new Case(
                        "{\"name\": \"x8\", \"type\": \"search\", \"access_all_engines\": true, \"engines\": [\"my-first-engine\"]}",
                        "must not be given when access_all_engines is true"),
                new Case("{\"name\": \"x9\", \"type\": \"search\", \"access_all_engines\": false}",
                        "Engines are required"),
                new Case("{\"name\": \"x10\", \"type\": \"admin\", \"engines\": [\"my-first-engine\"]}",
                        "Admin keys cannot be scoped"),
                new Case("[1, 2]", "must be a JSON object"), new Case("{not json", "not valid JSON"))) {
            post(o, c.body()).statusCode(400).contentType(ContentType.JSON).body("errors",
                    hasItem(containsString(c.message())));
        }
        // type is immutable on PUT
        given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON)
                .body("{\"name\": \"taken\", \"type\": \"private\", \"read\": true, \"write\": true}")
                .put(PATH + "/taken").then().statusCode(400)
                .body("errors", hasItem(containsString("Cannot change the type")));
        given().header("Authorization", "Bearer " + o.admin()).contentType(ContentType.JSON)
                .body("{\"name\": \"nothing\", \"type\": \"search\"}").put(PATH + "/nothing").then().statusCode(404)
                .body("errors", contains("Could not find resource"));
        given().header("Authorization", "Bearer " + o.admin()).delete(PATH + "/nothing").then().statusCode(404);
        given().header("Authorization", "Bearer " + o.admin()).queryParam("page[size]", 0).get(PATH).then()
                .statusCode(400);
        given().header("Authorization", "Bearer " + o.admin()).queryParam("page[current]", "x").get(PATH).then()
                .statusCode(400);
        // nothing was created by the refused requests
        given().header("Authorization", "Bearer " + o.admin()).get(PATH).then().body("meta.page.total_results", is(2));
    }

    @Test
    void onlyAdminKeysOfTheOrganizationGetIn() {
        Org o = org();
        Org other = org();
        post(other, "{\"name\": \"secret-of-other\", \"type\": \"search\"}").statusCode(200);
        String privateKey = post(o, "{\"name\": \"p\", \"type\": \"private\", \"read\": true, \"write\": true}")
                .extract().path("key");
        given().get(PATH).then().statusCode(401).body("errors", hasSize(1));
        given().header("Authorization", "Bearer " + o.ownerToken()).get(PATH).then().statusCode(401);
        given().header("Authorization", "Bearer " + privateKey).get(PATH).then().statusCode(401);
        given().header("Authorization", "Bearer admin-nonsense").get(PATH).then().statusCode(401);
        // another organization's keys do not exist for this admin key
        given().header("Authorization", "Bearer " + o.admin()).get(PATH + "/secret-of-other").then().statusCode(404);
        given().header("Authorization", "Bearer " + o.admin()).delete(PATH + "/secret-of-other").then().statusCode(404);
        given().header("Authorization", "Bearer " + o.admin()).get(PATH).then().body("results.name",
                not(hasItem("secret-of-other")));
        given().header("Authorization", "Bearer " + other.admin()).get(PATH + "/secret-of-other").then()
                .statusCode(200);
        // a native service key is not part of this API
        Api.key(o.slug(), o.ownerToken(), Map.of("kind", "service", "name", "native-one", "role", "viewer", "scope",
                Map.of("type", "organization", "allWorkspaces", true)));
        given().header("Authorization", "Bearer " + o.admin()).get(PATH + "/native-one").then().statusCode(404);
    }

    @Test
    void paginationAcrossPages() {
        Org o = org();
        for (int i = 0; i < 29; i++) {
            post(o, "{\"name\": \"k-" + String.format("%02d", i) + "\", \"type\": \"search\"}").statusCode(200);
        }
        given().header("Authorization", "Bearer " + o.admin()).get(PATH).then().body("meta.page.total_results", is(30))
                .body("meta.page.total_pages", is(2)).body("meta.page.size", is(25)).body("results.size()", is(25));
        given().header("Authorization", "Bearer " + o.admin()).queryParam("page[current]", 2).get(PATH).then()
                .body("meta.page.current", is(2)).body("results.size()", is(5)).body("results[4].name", is("k-28"));
        List<String> all = new java.util.ArrayList<>();
        for (int p = 1; p <= 4; p++) {
            all.addAll(given().header("Authorization", "Bearer " + o.admin()).queryParam("page[current]", p)
                    .queryParam("page[size]", 8).get(PATH).then().body("meta.page.total_pages", is(4)).extract()
                    .<List<String>> path("results.name"));
        }
        assertEquals(30, all.size());
        assertEquals(30, new java.util.HashSet<>(all).size());
        given().header("Authorization", "Bearer " + o.admin()).queryParam("page[current]", 9).get(PATH).then()
                .statusCode(200).body("results", empty());
    }
}
