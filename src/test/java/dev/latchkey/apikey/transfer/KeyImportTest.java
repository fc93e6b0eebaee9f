package dev.latchkey.apikey.transfer;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.TestClock;

/**
 * Importing keys that exist elsewhere (README, "Importing keys"): by value (App Search's own keys included) and by
 * SHA-256, verified exactly as before at /verify and the management API; all or nothing unless partial; duplicates
 * refused across organizations with the same words; concurrent importers of one value — exactly one wins; rotation and
 * revocation of an imported key; who may import and export, and the export's lines.
 */
@QuarkusTest
class KeyImportTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    @Inject
    TestClock clock;

    /** A value as App Search makes them: a word, a dash, 24 lowercase letters and digits. */
    static String appSearch(String word) {
        StringBuilder b = new StringBuilder(word).append('-');
        for (int i = 0; i < 24; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static Map<String, Object> item(String value, String kind, String name, Object... more) {
        Map<String, Object> m = new HashMap<>(Map.of("value", value, "kind", kind, "name", name));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    private static Response importKeys(String org, String bearer, List<Map<String, Object>> keys, Boolean partial) {
        Map<String, Object> body = new HashMap<>(Map.of("keys", keys, "origin", Map.of("system", "app-search")));
        if (partial != null) {
            body.put("partial", partial);
        }
        return as(bearer).body(body).post("/api/v1/orgs/" + org + "/keys/import");
    }

    /** An import body of 200 App Search values, named {@code stem} + index, over 16 KB. */
    private static byte[] searchKeys(String stem, String ws) throws Exception {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(item(appSearch("search"), "service", stem + i, "permissions", List.of("search"), "scope",
                    wsScope(ws)));
        }
        return new ObjectMapper().writeValueAsBytes(Map.of("keys", keys, "origin", Map.of("system", "app-search")));
    }

    static String verify(String key) {
        return given().contentType("application/json").body(Map.of("key", key)).post("/verify").then().statusCode(200)
                .extract().path("code");
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes()));
    }

    @Test
    void valuesImportedVerifyAsBeforeAndShowTheirOrigin() {
        Api.Fixture o = Api.fixture();
        String priv = appSearch("private");
        String search = appSearch("search");
        String admin = appSearch("admin");
        String homegrown = "sk_live_" + appSearch("x").substring(2) + "ABCDEF";
        Response r = importKeys(o.slug(), o.token(), List.of(
                item(priv, "service", "my-private-key", "permissions", List.of("read", "write"), "scope",
                        wsScope(o.ws())),
                item(search, "service", "my-search-key", "permissions", List.of("search"), "scope", wsScope(o.ws())),
                item(admin, "admin", "my-admin-key"), item(homegrown, "service", "homegrown", "role", "viewer", "scope",
                        wsScope(o.ws()), "rateLimit", Map.of("limit", 100, "windowSeconds", 60))),
                null);
        r.then().statusCode(200).body("imported", is(4)).body("refused.size()", is(0))
                .body("created.index", contains(0, 1, 2, 3)).body("created[0].key.origin.system", is("app-search"))
                .body("created[0].key.origin.importedAt", notNullValue())
                .body("created[0].key.masked", is("private-…" + priv.substring(priv.length() - 4)))
                .body("created[1].key.masked", is("search-…" + search.substring(search.length() - 4)))
                .body("created[3].key.masked", is("…" + homegrown.substring(homegrown.length() - 4)))
                .body("created[3].key.rateLimit.limit", is(100)).body("created[0].key.key", nullValue());
        assertFalse(r.asString().contains(priv.substring(8, 28)), "the answer never shows a value");

        assertEquals("VALID", verify(priv));
        assertEquals("VALID", verify(search));
        assertEquals("VALID", verify(homegrown));
        assertEquals("FORBIDDEN", verify(admin), "an admin key is for the management API only, as before");
        assertEquals("NOT_FOUND", verify(
                priv.substring(0, priv.length() - 1) + "0".repeat(1).replace("0", priv.endsWith("0") ? "1" : "0")),
                "one character off");
        assertEquals("NOT_FOUND", verify(appSearch("private")), "a value never imported");

        // the imported admin key manages keys, natively and through the Elastic-compatible API, which lists them
        as(admin).get("/api/v1/me").then().statusCode(200).body("kind", is("admin"));
        as(admin).get("/api/as/v1/credentials").then().statusCode(200).body("results.name", hasItem("my-private-key"))
                .body("results.name", hasItem("my-search-key"))
                .body("results.find { it.name == 'my-search-key' }.type", is("search"))
                .body("results.find { it.name == 'my-private-key' }.read", is(true));
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.imported").then().statusCode(200)
                .body("items.size()", is(4)).body("items[0].details.origin.system", is("app-search"));
    }

    @Test
    void keysImportedByTheirSha256VerifyWithAndWithoutAPrefix() throws Exception {
        Api.Fixture o = Api.fixture();
        String whole = "unkey_" + appSearch("x").substring(2);
        String prefixed = "sk_test_" + appSearch("y").substring(2);
        byte[] rest = MessageDigest.getInstance("SHA-256").digest(prefixed.substring(8).getBytes());
        Map<String, Object> byHex = new HashMap<>(Map.of("sha256", sha256Hex(whole), "kind", "service", "name",
                "hashed", "role", "viewer", "scope", wsScope(o.ws())));
        Map<String, Object> byBase64 = new HashMap<>(
                Map.of("sha256", Base64.getEncoder().encodeToString(rest), "prefix", "sk_test_", "kind", "service",
                        "name", "hashed-prefixed", "role", "viewer", "scope", wsScope(o.ws())));
        importKeys(o.slug(), o.token(), List.of(byHex, byBase64), null).then().statusCode(200).body("imported", is(2))
                .body("created[1].key.masked", is("sk_test_…"));
        assertEquals("VALID", verify(whole));
        assertEquals("VALID", verify(prefixed));
        assertEquals("NOT_FOUND", verify("sk_live_" + prefixed.substring(8)), "another prefix, same rest");

        // Latchkey's own prefixes are never imported, so a malformed Latchkey key is refused before any lookup
        importKeys(o.slug(), o.token(),
                List.of(item("lks_" + "A".repeat(40), "service", "lk", "role", "viewer", "scope", wsScope(o.ws()))),
                null).then().statusCode(400).body("errors[0].field", is("keys[0].value"));
        importKeys(o.slug(), o.token(),
                List.of(Map.of("sha256", sha256Hex(whole), "prefix", "lka_", "kind", "service", "name", "lk", "role",
                        "viewer", "scope", wsScope(o.ws()))),
                null).then().statusCode(400).body("errors[0].field", is("keys[0].prefix"));
        // hashes that cannot be verified from a presented key are refused, each with the reason
        for (String bad : List.of("5d41402abc4b2a76b9719d911017c592",
                "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012",
                "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "zz" + sha256Hex(whole).substring(2))) {
            importKeys(o.slug(), o.token(),
                    List.of(Map.of("sha256", bad, "kind", "service", "name", "bad", "role", "viewer", "scope",
                            wsScope(o.ws()))),
                    null).then().statusCode(400).body("errors[0].field", is("keys[0].sha256"));
        }
    }

    @Test
    void oneRefusedKeyRefusesTheBatchUnlessPartial() {
        Api.Fixture o = Api.fixture();
        String good = appSearch("private");
        String lk = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1];
        List<Map<String, Object>> batch = List.of(
                item(good, "service", "good", "permissions", List.of("read"), "scope", wsScope(o.ws())),
                item("short-value", "service", "short", "role", "viewer", "scope", wsScope(o.ws())),
                item(lk, "service", "latchkey", "role", "viewer", "scope", wsScope(o.ws())),
                item(appSearch("search"), "admin", "wrong-kind"),
                item(appSearch("private"), "service", "no-such-ws", "role", "viewer", "scope", wsScope("nope")));
        importKeys(o.slug(), o.token(), batch, false).then().statusCode(400).body("errors.field",
                containsInAnyOrder("keys[1].value", "keys[2].value", "keys[3].kind", "keys[4].scope.workspace"));
        assertEquals("NOT_FOUND", verify(good), "nothing was imported");
        as(o.token()).get(o.keys()).then().body("items.name", org.hamcrest.Matchers.not(hasItem("good")));

        importKeys(o.slug(), o.token(), batch, true).then().statusCode(200).body("imported", is(1))
                .body("created[0].index", is(0)).body("refused.index", contains(1, 2, 3, 4))
                .body("refused[0].errors[0].field", is("value"));
        assertEquals("VALID", verify(good));
    }

    @Test
    void aValueIsImportedOnceAcrossOrganizationsWithoutSayingWhere() {
        Api.Fixture a = Api.fixture();
        Api.Fixture b = Api.fixture();
        String value = appSearch("private");
        importKeys(a.slug(), a.token(),
                List.of(item(value, "service", "k", "role", "viewer", "scope", wsScope(a.ws()))), null).then()
                        .statusCode(200);
        Response other = importKeys(b.slug(), b.token(),
                List.of(item(value, "service", "k", "role", "viewer", "scope", wsScope(b.ws()))), null);
        Response same = importKeys(a.slug(), a.token(),
                List.of(item(value, "service", "k2", "role", "viewer", "scope", wsScope(a.ws()))), null);
        other.then().statusCode(400).body("errors[0].field", is("keys[0].value")).body("errors[0].message",
                is("is already imported"));
        assertEquals(same.jsonPath().getString("errors[0].message"), other.jsonPath().getString("errors[0].message"));
        assertFalse(other.asString().contains(a.slug()), "the other organization is not named");
        // twice in one batch
        String twice = appSearch("search");
        importKeys(b.slug(), b.token(),
                List.of(item(twice, "service", "t1", "permissions", List.of("search"), "scope", wsScope(b.ws())),
                        item(twice, "service", "t2", "permissions", List.of("search"), "scope", wsScope(b.ws()))),
                null).then().statusCode(400).body("errors[0].field", is("keys[1].value"));
        assertEquals("VALID", verify(value));
    }

    @Test
    void concurrentImportersOfOneValueLeaveExactlyOneKey() {
        int n = 8;
        List<Api.Fixture> orgs = IntStream.range(0, n).mapToObj(i -> Api.fixture()).toList();
        String value = appSearch("private");
        List<String> fresh = IntStream.range(0, n).mapToObj(i -> appSearch("search")).toList();
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        Parallel.forEach(n, IntStream.range(0, n).boxed().toList(), i -> {
            Api.Fixture o = orgs.get(i);
            statuses.add(importKeys(o.slug(), o.token(), List.of(
                    item(value, "service", "same", "role", "viewer", "scope", wsScope(o.ws())),
                    item(fresh.get(i), "service", "own", "permissions", List.of("search"), "scope", wsScope(o.ws()))),
                    true).then().statusCode(200).extract().path("imported"));
        });
        List<Integer> counts = new ArrayList<>(statuses);
        assertEquals(n + 1, counts.stream().mapToInt(Integer::intValue).sum(),
                "every organization's own value, and the shared one exactly once: " + counts);
        assertEquals(1, counts.stream().filter(c -> c == 2).count());
        fresh.forEach(v -> assertEquals("VALID", verify(v)));
        assertEquals("VALID", verify(value));
    }

    @Test
    void anImportedKeyRotatesWithGraceAndRevokes() {
        Api.Fixture o = Api.fixture();
        String value = appSearch("private");
        String id = importKeys(o.slug(), o.token(),
                List.of(item(value, "service", "rot", "permissions", List.of("read"), "scope", wsScope(o.ws()))), null)
                        .then().statusCode(200).extract().path("created[0].key.id");
        String fresh = as(o.token()).body(Map.of("gracePeriodSeconds", 60)).post(o.keys() + "/" + id + "/rotate").then()
                .statusCode(200).body("origin.system", is("app-search")).extract().path("key");
        assertTrue(fresh.startsWith("private-") && fresh.length() == 73, "rotation gives a Latchkey-format key");
        assertEquals("VALID", verify(value), "the imported value during the grace period");
        assertEquals("VALID", verify(fresh));
        clock.advance(Duration.ofSeconds(61));
        assertEquals("NOT_FOUND", verify(value), "after the grace period");
        assertEquals("VALID", verify(fresh));

        String other = appSearch("search");
        String otherId = importKeys(o.slug(), o.token(),
                List.of(item(other, "service", "rev", "permissions", List.of("search"), "scope", wsScope(o.ws()))),
                null).then().statusCode(200).extract().path("created[0].key.id");
        as(o.token()).post(o.keys() + "/" + otherId + "/revoke").then().statusCode(200);
        assertEquals("REVOKED", verify(other));
    }

    @Test
    void onlyManagersOfTheOrganizationImportAndExport() throws Exception {
        Api.Team t = Api.team(Map.of("orgRole", "member", "role", "editor"));
        Api.Fixture stranger = Api.fixture();
        List<Map<String, Object>> one = List
                .of(item(appSearch("private"), "service", "x", "role", "viewer", "scope", wsScope(t.ws())));
        importKeys(t.slug(), t.memberToken(), one, null).then().statusCode(403);
        importKeys(t.slug(), stranger.token(), one, null).then().statusCode(404); // another tenant: not even shown
        importKeys(t.slug(), null, one, null).then().statusCode(401);
        as(t.memberToken()).get("/api/v1/orgs/" + t.slug() + "/keys/export").then().statusCode(403);
        as(stranger.token()).get("/api/v1/orgs/" + t.slug() + "/keys/export").then().statusCode(404);
        // the denied import changed nothing; the owner's import is allowed
        importKeys(t.slug(), t.ownerToken(), one, null).then().statusCode(200).body("imported", is(1));
        // a batch larger than the other routes' body limit (16 KB in the test profile) is taken here
        byte[] bigBody = searchKeys("big-", t.ws());
        assertTrue(bigBody.length > 16 * 1024, "larger than 16 KB: " + bigBody.length);
        as(t.ownerToken()).body(bigBody).post("/api/v1/orgs/" + t.slug() + "/keys/import").then().statusCode(200)
                .body("imported", is(200));
        // the same limit for a body sent chunked (no Content-Length): counted while read, by the same route's limit
        byte[] chunkedBody = searchKeys("chunked-", t.ws());
        HttpResponse<String> sent = HttpClient
                .newHttpClient().send(
                        HttpRequest
                                .newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/v1/orgs/"
                                        + t.slug() + "/keys/import"))
                                .header("Authorization", "Bearer " + t.ownerToken())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers
                                        .ofInputStream(() -> new ByteArrayInputStream(chunkedBody)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());
        // shape errors after authorization: 400 naming the field
        as(t.ownerToken()).body(Map.of("keys", List.of())).post("/api/v1/orgs/" + t.slug() + "/keys/import").then()
                .statusCode(400).body("errors[0].field", is("keys"));
        as(t.ownerToken()).body(Map.of("keys", one)).post("/api/v1/orgs/" + t.slug() + "/keys/import").then()
                .statusCode(400).body("errors[0].field", is("origin.system"));
    }

    @Test
    void theExportIsOneKeyPerLineWithoutValuesOrHashes() throws Exception {
        Api.Fixture o = Api.fixture();
        String value = appSearch("private");
        importKeys(o.slug(), o.token(),
                List.of(item(value, "service", "imp", "role", "viewer", "scope", wsScope(o.ws()))), null).then()
                        .statusCode(200);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 205; i++) { // more than one page
            made.add(Api.key(o.slug(), o.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1]);
        }
        Response r = as(o.token()).get("/api/v1/orgs/" + o.slug() + "/keys/export");
        r.then().statusCode(200).contentType("application/jsonl");
        String body = r.asString();
        String[] lines = body.split("\n");
        assertEquals(206, lines.length);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertEquals("imp", first.get("name").asText());
        assertEquals("app-search", first.get("origin").get("system").asText());
        for (String line : lines) {
            JsonNode k = json.readTree(line);
            assertFalse(k.has("key"), "no values");
            assertTrue(k.has("id") && k.has("masked") && k.has("scope"));
        }
        assertFalse(body.contains(value.substring(8, 28)));
        for (String key : made) {
            assertFalse(body.contains(key.substring(24, 60)), "no secret");
        }
        assertFalse(body.toLowerCase().contains("hash"), "no hashes");
        assertEquals(205, body.split("\"origin\":null", -1).length - 1);
    }
}
