package dev.latchkey.webhook;

import static dev.latchkey.support.Api.as;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * The webhook API (README, "Webhooks"): owners and admins manage endpoints; members, admin keys and other organizations
 * cannot, on every route; the secret is shown once; bad events and unsafe URLs are refused with the field named.
 */
@QuarkusTest
public class WebhookApiTest {

    static final String RECEIVER = "http://127.0.0.1:9/hooks/";

    static String base(String org) {
        return "/api/v1/orgs/" + org + "/webhooks";
    }

    static Response create(String org, String token, Map<String, Object> body) {
        return as(token).body(body).post(base(org));
    }

    static Map<String, Object> body(String url, List<String> events) {
        return Map.of("url", url, "events", events, "description", "billing");
    }

    @Test
    void ownersCreateReadUpdateRotateAndDelete() {
        Api.Fixture o = Api.fixture();
        Response created = create(o.slug(), o.token(),
                body(RECEIVER + "a", List.of("key.created", "key.revoked", "key.created")));
        created.then().statusCode(201).body("id", startsWith("wh_")).body("secret", startsWith("whsec_"))
                .body("url", is(RECEIVER + "a")).body("events", contains("key.created", "key.revoked"))
                .body("enabled", is(true)).body("failing", is(false)).body("description", is("billing"));
        String id = created.path("id");
        String secret = created.path("secret");
        assertTrue(created.header("Location").endsWith(base(o.slug()) + "/" + id));

        as(o.token()).get(base(o.slug()) + "/" + id).then().statusCode(200).body("id", is(id)).body("$",
                not(hasKey("secret")));
        as(o.token()).get(base(o.slug())).then().statusCode(200).body("items.id", contains(id)).body("items[0]",
                not(hasKey("secret")));

        as(o.token()).body(Map.of("events", List.of("key.deleted"), "enabled", false, "description", ""))
                .patch(base(o.slug()) + "/" + id).then().statusCode(200).body("events", contains("key.deleted"))
                .body("enabled", is(false)).body("description", nullValue()).body("url", is(RECEIVER + "a"));

        Response rotated = as(o.token()).post(base(o.slug()) + "/" + id + "/rotate-secret");
        rotated.then().statusCode(200).body("secret", startsWith("whsec_")).body("previousSecretUntil", notNullValue());
        assertNotEquals(secret, rotated.path("secret"));

        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?targetType=webhook").then().statusCode(200)
                .body("items.action", hasItems("webhook.created", "webhook.updated", "webhook.secret_rotated"))
                .body(not(containsString(secret))).body(not(containsString((String) rotated.path("secret"))));

        as(o.token()).delete(base(o.slug()) + "/" + id).then().statusCode(204);
        as(o.token()).get(base(o.slug()) + "/" + id).then().statusCode(404).body("code", is("not_found"));
    }

    @Test
    void adminsMayMembersAdminKeysAndOtherOrganizationsMayNot() {
        Api.Team admin = Api.team(Map.of("orgRole", "admin"));
        create(admin.slug(), admin.memberToken(), body(RECEIVER + "b", List.of("key.created"))).then().statusCode(201);

        Api.Team member = Api.team(Map.of("orgRole", "member"));
        String id = create(member.slug(), member.ownerToken(), body(RECEIVER + "c", List.of("key.created"))).path("id");
        String adminKey = Api.key(member.slug(), member.ownerToken(), Map.of("kind", "admin", "name", "ops"))[1];
        Api.Fixture other = Api.fixture();

        String path = base(member.slug());
        String one = path + "/" + id;
        for (String token : List.of(member.memberToken(), adminKey, other.token())) {
            int denied = token.equals(other.token()) ? 404 : 403;
            as(token).get(path).then().statusCode(denied);
            as(token).body(body(RECEIVER + "d", List.of("key.created"))).post(path).then().statusCode(denied);
            as(token).get(one).then().statusCode(denied);
            as(token).body(Map.of("enabled", false)).patch(one).then().statusCode(denied);
            as(token).post(one + "/rotate-secret").then().statusCode(denied);
            as(token).get(one + "/deliveries").then().statusCode(denied);
            as(token).post(one + "/deliveries/1/redeliver").then().statusCode(denied);
            as(token).delete(one).then().statusCode(denied);
        }
        // the other organization's own owner cannot reach this endpoint through their organization either
        as(other.token()).get(base(other.slug()) + "/" + id).then().statusCode(404);
        as(other.token()).delete(base(other.slug()) + "/" + id).then().statusCode(404);
        as(member.ownerToken()).get(one).then().statusCode(200).body("enabled", is(true));
        as(null).get(path).then().statusCode(401);
    }

    @Test
    void unknownEventsAndBadBodiesAreRefusedNamingTheField() {
        Api.Fixture o = Api.fixture();
        create(o.slug(), o.token(), body(RECEIVER + "e", List.of("key.created", "key.exploded"))).then().statusCode(400)
                .body("code", is("validation_failed")).body("errors[0].field", is("events[1]"));
        create(o.slug(), o.token(), body(RECEIVER + "e", List.of())).then().statusCode(400).body("errors[0].field",
                is("events"));
        create(o.slug(), o.token(), Map.of("events", List.of("key.created"))).then().statusCode(400)
                .body("errors[0].field", is("url"));
        create(o.slug(), o.token(), Map.of("url", RECEIVER, "events", List.of("key.created"), "secret", "mine")).then()
                .statusCode(400);
        as(o.token()).get(base(o.slug()) + "/wh_nosuchendpoint000000").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { "ftp://127.0.0.1/x", "http://127.0.0.2/", "http://10.0.0.1/", "http://192.168.0.10/",
            "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://0x7f000001/", "http://0.0.0.0/",
            "http://user:pw@127.0.0.1/", "http://127.0.0.1/#x", "not a url" })
    void unsafeUrlsAreRefused(String url) {
        Api.Fixture o = Api.fixture();
        create(o.slug(), o.token(), body(url, List.of("key.created"))).then().statusCode(400)
                .body("errors[0].field", is("url")).body("errors[0].message", not(emptyOrNullString()));
        String id = create(o.slug(), o.token(), body(RECEIVER + "f", List.of("key.created"))).path("id");
        as(o.token()).body(Map.of("url", url)).patch(base(o.slug()) + "/" + id).then().statusCode(400)
                .body("errors[0].field", is("url"));
    }

    @Test
    void anOrganizationHasAtMostTwentyEndpoints() {
        Api.Fixture o = Api.fixture();
        for (int i = 0; i < WebhookService.MAX_ENDPOINTS; i++) {
            create(o.slug(), o.token(), body(RECEIVER + i, List.of("key.created"))).then().statusCode(201);
        }
        create(o.slug(), o.token(), body(RECEIVER + "x", List.of("key.created"))).then().statusCode(409).body("code",
                is("conflict"));
        as(Tokens.user("nobody-" + o.slug())).get(base(o.slug())).then().statusCode(404);
    }
}
