package dev.latchkey.apikey.leak;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;

/**
 * Leaked keys (README, "Leaked keys"): GitHub's secret-scanning reports signed with a test key pair whose public key
 * the test profile lists — true and false positives, each organization's policy (revoke, disable, notify), the audit
 * record; refused and changing nothing: no signature, an unknown key identifier, a signature by another key, a body
 * changed after signing, a replay, an oversized batch. And the owners' own report route, with who may use it.
 */
@QuarkusTest
public class LeakReportTest {

    @Inject
    TestClock clock;

    public static final String KEY_ID = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A PKCS#8 PEM private key from the test resources. */
    public static PrivateKey privateKey(String file) throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/leaks", file))
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    /** GitHub's signature of a body: ECDSA P-256 with SHA-256, DER, base64. */
    public static String sign(PrivateKey key, byte[] body) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(body);
        return Base64.getEncoder().encodeToString(s.sign());
    }

    /** A report of these tokens as GitHub sends it. */
    public static byte[] body(List<String> tokens) throws Exception {
        List<Map<String, String>> items = new ArrayList<>();
        for (String t : tokens) {
            items.add(Map.of("token", t, "type", "latchkey_api_key", "url",
                    "https://github.com/octo/leaky/blob/main/.env", "source", "content"));
        }
        return JSON.writeValueAsBytes(items);
    }

    static Response post(byte[] body, String keyId, String signature) {
        var r = given().contentType("application/json").body(body);
        if (keyId != null) {
            r = r.header("Github-Public-Key-Identifier", keyId);
        }
        if (signature != null) {
            r = r.header("Github-Public-Key-Signature", signature);
        }
        return r.post("/api/v1/leaks/github");
    }

    static Response report(List<String> tokens) throws Exception {
        byte[] b = body(tokens);
        return post(b, KEY_ID, sign(privateKey("github-test-private.pem"), b));
    }

    static String verify(String key) {
        return given().contentType("application/json").body(Map.of("key", key)).post("/verify").then().statusCode(200)
                .extract().path("code");
    }

    private static String[] key(Api.Fixture o) {
        return Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
    }

    @Test
    void aLiveKeyIsATruePositiveAndRevokedAnythingElseIsFalse() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = key(o);
        String[] expired = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "expiresAt", clock.instant().plusSeconds(60).toString()));
        String typo = k[1].substring(0, 30) + (k[1].charAt(30) == 'A' ? 'B' : 'A') + k[1].substring(31);
        String unknown = KeyFormat.format(KeyPrefix.SERVICE, "U".repeat(16), "S".repeat(43));
        report(List.of(k[1], typo, unknown, "ghp_notoneofours0123456789")).then().statusCode(200)
                .body("token_raw", contains(k[1], typo, unknown, "ghp_notoneofours0123456789"))
                .body("token_type[0]", is("latchkey_api_key"))
                .body("label", contains("true_positive", "false_positive", "false_positive", "false_positive"));
        assertEquals("REVOKED", verify(k[1]), "the default policy revokes");
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.leaked").then().statusCode(200)
                .body("items.size()", is(1)).body("items[0].actor.type", is("system"))
                .body("items[0].actor.id", is("github-secret-scanning")).body("items[0].target.id", is(k[0]))
                .body("items[0].details.url", is("https://github.com/octo/leaky/blob/main/.env"))
                .body("items[0].details.policy", is("revoke"));
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.revoked").then()
                .body("items[0].details.reason", is("leaked"));
        // reported again (GitHub retries with a new signature): no longer live, nothing more happens
        report(List.of(k[1])).then().statusCode(200).body("label", contains("false_positive"));
        clock.advance(Duration.ofSeconds(61));
        assertEquals("false_positive", report(List.of(expired[1])).then().statusCode(200).extract().path("label[0]"),
                "an expired key is not live");
    }

    @Test
    void eachOrganizationsPolicyIsApplied() throws Exception {
        Api.Team t = Api.team(Map.of("orgRole", "member", "role", "editor"));
        Api.Fixture other = Api.fixture();
        String path = "/api/v1/orgs/" + t.slug();
        as(t.memberToken()).body(Map.of("leakPolicy", "notify")).patch(path).then().statusCode(403);
        as(other.token()).body(Map.of("leakPolicy", "notify")).patch(path).then().statusCode(404);
        as(t.ownerToken()).body(Map.of("leakPolicy", "ignore")).patch(path).then().statusCode(400);
        as(t.ownerToken()).get(path).then().body("leakPolicy", is("revoke"));

        as(t.ownerToken()).body(Map.of("leakPolicy", "disable")).patch(path).then().statusCode(200).body("leakPolicy",
                is("disable"));
        String disabled = Api.key(t.slug(), t.ownerToken(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(t.ws())))[1];
        report(List.of(disabled)).then().body("label[0]", is("true_positive"));
        assertEquals("DISABLED", verify(disabled));

        as(t.ownerToken()).body(Map.of("leakPolicy", "notify")).patch(path).then().statusCode(200);
        String notified = Api.key(t.slug(), t.ownerToken(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(t.ws())))[1];
        report(List.of(notified)).then().body("label[0]", is("true_positive"));
        assertEquals("VALID", verify(notified), "notify only");
        as(t.ownerToken()).get(path + "/audit?action=key.leaked").then().body("items.size()", is(2))
                .body("items[0].details.policy", is("notify")).body("items[1].details.policy", is("disable"));
        as(t.ownerToken()).get(path + "/audit?action=org.updated").then().body("items[0].details.leakPolicy.to",
                is("notify"));
    }

    @Test
    void badReportsAreRefusedAndChangeNothing() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = key(o);
        byte[] b = body(List.of(k[1]));
        String good = sign(privateKey("github-test-private.pem"), b);
        post(b, null, null).then().statusCode(400).body("code", is("signature_missing"));
        post(b, "f".repeat(64), good).then().statusCode(401);
        post(b, KEY_ID, sign(privateKey("other-private.pem"), b)).then().statusCode(401);
        post(b, KEY_ID, "not base64 !").then().statusCode(401);
        byte[] changed = new String(b, StandardCharsets.UTF_8).replace("content", "commits").getBytes();
        post(changed, KEY_ID, good).then().statusCode(401);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(k[1]);
        }
        report(many).then().statusCode(413);
        // a report larger than the other routes' body limit (16 KB in the test profile) is read
        report(java.util.Collections.nCopies(200, "ghp_" + "x".repeat(36))).then().statusCode(200).body("label.size()",
                is(200));
        assertEquals("VALID", verify(k[1]), "nothing changed so far");

        post(b, KEY_ID, good).then().statusCode(200).body("label[0]", is("true_positive"));
        post(b, KEY_ID, good).then().statusCode(409); // the same signed report again
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=key.leaked").then().body("items.size()", is(1));
    }

    @Test
    void ownersReportAKeyFoundElsewhere() {
        Api.Team t = Api.team(Map.of("orgRole", "member", "role", "editor"));
        Api.Fixture stranger = Api.fixture();
        String[] k = Api.key(t.slug(), t.ownerToken(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(t.ws())));
        String[] admin = Api.key(t.slug(), t.ownerToken(), Map.of("kind", "admin"));
        String route = "/api/v1/orgs/" + t.slug() + "/keys/" + k[0] + "/report-leak";
        Map<String, Object> body = Map.of("url", "https://pastebin.example/abc", "note", "found in a paste");
        as(t.memberToken()).body(body).post(route).then().statusCode(403);
        as(admin[1]).body(body).post(route).then().statusCode(403);
        as(stranger.token()).body(body).post(route).then().statusCode(404);
        as(t.ownerToken()).body(Map.of("url", "x".repeat(3000))).post(route).then().statusCode(400);
        assertEquals("VALID", verify(k[1]), "nothing changed by the refused reports");
        as(t.ownerToken()).body(body).post(route).then().statusCode(200).body("state", is("revoked"));
        assertEquals("REVOKED", verify(k[1]));
        as(t.ownerToken()).get("/api/v1/orgs/" + t.slug() + "/audit?action=key.leaked").then()
                .body("items[0].actor.type", is("user")).body("items[0].details.reporter", is("member"))
                .body("items[0].details.note", is("found in a paste"));
    }
}
