package dev.latchkey.webhook;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.TestDns;

/**
 * Deliveries (README, "Webhooks"), each checked by a receiver that verifies with the Standard Webhooks reference
 * library: every key event arrives signed, with the key as the API shows it and never its secret; a failing receiver is
 * tried again on the back-off schedule (the injected clock moves, nobody sleeps) with the same {@code webhook-id} until
 * it answers, or for a day, after which the endpoint is marked failing and that is audited; a redelivery sends the same
 * event again; both secrets sign during a rotation's overlap and only the new one after; a name that resolves to
 * loopback at delivery time is not called; a slow receiver is cut off at the timeout; concurrent writers' events each
 * arrive once.
 */
@QuarkusTest
public class WebhookDeliveryTest extends ReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestDns dns;

    @Inject
    DataSource dataSource;

    static String[] key(Api.Fixture o, String name) {
        return Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "name", name, "role", "viewer", "scope", wsScope(o.ws())));
    }

    static List<Map<String, Object>> awaitReceived(String path, int n) {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received(path),
                r -> r.size() >= n);
    }

    static Response deliveries(Api.Fixture o, String hookId) {
        return as(o.token()).get("/api/v1/orgs/" + o.slug() + "/webhooks/" + hookId + "/deliveries");
    }

    List<String> payloads(String orgSlug) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select payload from webhook_events where organization_id = (select id from organizations where slug = ?)"
                        + " order by id")) {
            s.setString(1, orgSlug);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void everyKeyEventArrivesSignedWithTheKeyAndNeverItsSecret() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/all-" + o.slug();
        String only = "/revoked-" + o.slug();
        String[] all = hook(o, path, List.of("key.created", "key.updated", "key.rotated", "key.revoked", "key.deleted"),
                200);
        hook(o, only, List.of("key.revoked"), 200);
        String[] k = key(o, "billing");
        as(o.token()).body(Map.of("name", "billing-2")).patch(o.keys() + "/" + k[0]).then().statusCode(200);
        String rotated = as(o.token()).body(Map.of("gracePeriodSeconds", 0)).post(o.keys() + "/" + k[0] + "/rotate")
                .then().statusCode(200).extract().path("key");
        as(o.token()).post(o.keys() + "/" + k[0] + "/revoke").then().statusCode(200);
        as(o.token()).delete(o.keys() + "/" + k[0]).then().statusCode(204);

        List<Map<String, Object>> got = awaitReceived(path, 5);
        assertEquals(5, got.size(), got.toString());
        assertTrue(got.stream().allMatch(r -> Boolean.TRUE.equals(r.get("verified"))), got.toString());
        assertEquals(Set.of("key.created", "key.updated", "key.rotated", "key.revoked", "key.deleted"),
                new HashSet<>(got.stream().map(r -> r.get("type")).toList()));
        assertTrue(got.stream().allMatch(r -> k[0].equals(r.get("keyId"))));
        assertEquals(got.stream().map(r -> r.get("id")).toList(), got.stream().map(r -> r.get("payloadId")).toList(),
                "webhook-id is the event id");
        List<Map<String, Object>> revokedOnly = awaitReceived(only, 1);
        Awaitility.await().during(Duration.ofMillis(500)).until(() -> receiver.received(only).size() == 1);
        assertEquals("key.revoked", revokedOnly.get(0).get("type"));

        List<String> payloads = payloads(o.slug());
        assertEquals(5, payloads.size(), "one event row per change, whatever the number of endpoints");
        for (String p : payloads) {
            assertFalse(p.contains(k[1].substring(k[1].length() - 20)), "never the secret");
            assertFalse(p.contains(rotated.substring(rotated.length() - 20)), "never the rotated secret");
            assertFalse(p.toLowerCase().contains("hash"), p);
        }
        JsonNode created = JSON.readTree(payloads.get(0));
        assertTrue(created.path("id").asText().startsWith("msg_"));
        assertEquals("key.created", created.path("type").asText());
        assertEquals(o.slug(), created.path("organization").path("id").asText());
        assertEquals("user", created.path("actor").path("type").asText());
        assertEquals(k[0], created.path("data").path("key").path("id").asText());
        assertEquals("billing", created.path("data").path("key").path("name").asText());
        assertTrue(created.path("data").path("key").path("masked").asText().contains("…")
                || !created.path("data").path("key").path("masked").asText().isEmpty());
        Instant.parse(created.path("timestamp").asText());

        deliveries(o, all[0]).then().statusCode(200).body("items.size()", is(5))
                .body("items.status", everyItem(is("delivered"))).body("items.attempts", everyItem(is(1)))
                .body("items.responseStatus", everyItem(is(200))).body("items.latencyMs", everyItem(notNullValue()))
                .body("items.eventId", containsInAnyOrder(got.stream().map(r -> r.get("id")).toArray()));
    }

    @Test
    void aFailingReceiverIsTriedAgainWithTheSameIdUntilItAnswers() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/flaky-" + o.slug();
        String[] h = hook(o, path, List.of("key.created"), 500);
        Instant start = clock.instant();
        key(o, "flaky");
        awaitReceived(path, 1);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> deliveries(o, h[0]).path("items[0].responseStatus"), is(500));
        Response d = deliveries(o, h[0]);
        d.then().body("items[0].status", is("pending")).body("items[0].attempts", is(1));
        Instant next = Instant.parse(d.path("items[0].nextAttemptAt"));
        long delay = Duration.between(start, next).toMillis();
        assertTrue(delay >= 3_750 && delay <= 6_250, "first retry 5 s ± 25 % later: " + delay + " ms");

        advance(Duration.ofSeconds(7));
        awaitReceived(path, 2);
        receiver.endpoint(path, List.of(h[1]), 200, 0);
        advance(Duration.ofSeconds(30));
        List<Map<String, Object>> got = awaitReceived(path, 3);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(o, h[0]).path("items[0].status"),
                is("delivered"));
        assertEquals(1, new HashSet<>(got.stream().map(r -> r.get("id")).toList()).size(), "one webhook-id: " + got);
        assertEquals(List.of(500, 500, 200), got.stream().map(r -> r.get("status")).toList());
        assertTrue(got.stream().allMatch(r -> Boolean.TRUE.equals(r.get("verified"))));
        deliveries(o, h[0]).then().body("items[0].attempts", is(3)).body("items[0].deliveredAt", notNullValue());
    }

    @Test
    void aReceiverThatNeverRecoversFailsAfterADayThenARedeliveryArrives() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/dead-" + o.slug();
        String[] h = hook(o, path, List.of("key.created"), 503);
        key(o, "dead");
        int attempts = 0;
        while (!"failed".equals(deliveries(o, h[0]).path("items[0].status"))) {
            int seen = attempts;
            attempts = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> deliveries(o, h[0]).<Integer> path("items[0].attempts"), a -> a > seen);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> deliveries(o, h[0]).path("items[0].responseStatus") != null
                            && (deliveries(o, h[0]).path("items[0].nextAttemptAt") != null
                                    || "failed".equals(deliveries(o, h[0]).path("items[0].status"))));
            assertTrue(attempts < 40, "gives up in the end");
            advance(Duration.ofHours(5));
        }
        System.out.printf("a dead receiver was tried %d times before the delivery failed%n", attempts);
        assertTrue(attempts >= 6, "tried over at least a day at 5-hour steps: " + attempts);
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/webhooks/" + h[0]).then().body("failing", is(true))
                .body("failingSince", notNullValue());
        as(o.token()).get("/api/v1/orgs/" + o.slug() + "/audit?action=webhook.failing").then()
                .body("items.size()", is(1)).body("items[0].actor.type", is("system"))
                .body("items[0].target.id", is(h[0]));

        receiver.endpoint(path, List.of(h[1]), 200, 0);
        String deliveryId = deliveries(o, h[0]).path("items[0].id");
        String eventId = deliveries(o, h[0]).path("items[0].eventId");
        as(o.token())
                .post("/api/v1/orgs/" + o.slug() + "/webhooks/" + h[0] + "/deliveries/" + deliveryId + "/redeliver")
                .then().statusCode(202).body("eventId", is(eventId)).body("status", is("pending"));
        List<Map<String, Object>> got = awaitReceived(path, attempts + 1);
        assertEquals(eventId, got.get(got.size() - 1).get("id"), "the same webhook-id");
        assertEquals(200, got.get(got.size() - 1).get("status"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> as(o.token()).get("/api/v1/orgs/" + o.slug() + "/webhooks/" + h[0]).path("failing"), is(false));
        as(o.token()).post("/api/v1/orgs/" + o.slug() + "/webhooks/" + h[0] + "/deliveries/99999999/redeliver").then()
                .statusCode(404);
    }

    @Test
    void bothSecretsSignDuringARotationsOverlapAndOnlyTheNewOneAfter() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/rotating-" + o.slug();
        String[] h = hook(o, path, List.of("key.created"), 200);
        String next = as(o.token()).post("/api/v1/orgs/" + o.slug() + "/webhooks/" + h[0] + "/rotate-secret")
                .path("secret");
        key(o, "one");
        assertEquals(Boolean.TRUE, awaitReceived(path, 1).get(0).get("verified"), "the old secret verifies");
        receiver.endpoint(path, List.of(next), 200, 0);
        key(o, "two");
        assertEquals(Boolean.TRUE, awaitReceived(path, 2).get(1).get("verified"), "the new secret verifies");

        advance(Duration.ofDays(1).plusMinutes(1));
        receiver.endpoint(path, List.of(h[1]), 200, 0);
        key(o, "three");
        Map<String, Object> third = awaitReceived(path, 3).get(2);
        assertEquals(Boolean.FALSE, third.get("verified"), "after the overlap the old secret no longer signs");
        assertEquals("No matching signature found", third.get("error"));
        receiver.endpoint(path, List.of(next), 200, 0);
        key(o, "four");
        // the refused third is tried again only when the clock moves on: the fourth arrival is key "four"
        assertEquals(Boolean.TRUE, awaitReceived(path, 4).get(3).get("verified"), "the new secret alone signs");
    }

    @Test
    void aNameThatResolvesToLoopbackAtDeliveryTimeIsNotCalled() throws Exception {
        Api.Fixture o = Api.fixture();
        String host = "hooks-" + o.slug() + ".rebind.test";
        String path = "/rebind-" + o.slug();
        dns.set(host, "93.184.216.34"); // public when saved
        String url = receiver.url(path).replace("127.0.0.1", host);
        Response r = as(o.token()).body(Map.of("url", url, "events", List.of("key.created")))
                .post("/api/v1/orgs/" + o.slug() + "/webhooks");
        r.then().statusCode(201);
        String id = r.path("id");
        String secret = r.path("secret");
        receiver.endpoint(path, List.of(secret), 200, 0);
        dns.set(host, "127.0.0.2"); // loopback, not allowed, by delivery time
        key(o, "rebound");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(o, id).path("items[0].error"),
                containsString("not public (127.0.0.2)"));
        assertEquals(List.of(), receiver.received(path), "nothing reached the receiver");

        dns.set(host, "127.0.0.1"); // the one address the test profile allows
        advance(Duration.ofSeconds(10));
        assertEquals(Boolean.TRUE, awaitReceived(path, 1).get(0).get("verified"));
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/moved-" + o.slug();
        String target = "/target-" + o.slug();
        String[] h = hook(o, path, List.of("key.created"), 200);
        receiver.endpoint(target, List.of(h[1]), 200, 0);
        receiver.redirecting(path, List.of(h[1]), 307, receiver.url(target));
        key(o, "moved");
        awaitReceived(path, 1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(o, h[0]).path("items[0].error"),
                is("redirect not followed"));
        deliveries(o, h[0]).then().body("items[0].status", is("pending")).body("items[0].responseStatus", is(307));
        assertEquals(List.of(), receiver.received(target), "the Location was not called");
    }

    @Test
    void aSlowReceiverIsCutOffAtTheTimeoutAndSlowsNothingElse() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/slow-" + o.slug();
        String[] h = hook(o, path, List.of("key.created"), 200);
        receiver.endpoint(path, List.of(h[1]), 200, 8_000);
        key(o, "slow");
        awaitReceived(path, 1);
        long t0 = System.nanoTime();
        key(o, "meanwhile");
        long createMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("a key created while a delivery waits on a slow receiver: %d ms%n", createMillis);
        assertTrue(createMillis < 2_000, "management does not wait for receivers: " + createMillis + " ms");
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(
                () -> deliveries(o, h[0]).<List<String>> path("items.error"),
                errors -> errors.contains("no answer within 5000 ms"));
    }

    @Test
    void concurrentWritersEventsArriveOnceEach() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = "/busy-" + o.slug();
        hook(o, path, List.of("key.created"), 200);
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(8, IntStream.range(0, 200).boxed().toList(), i -> ids.add(key(o, "k" + i)[0]));
        List<Map<String, Object>> got = Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> receiver.received(path), r -> r.size() >= 200);
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.received(path).size() == 200);
        assertEquals(200, new HashSet<>(got.stream().map(r -> r.get("id")).toList()).size(), "each event once");
        assertEquals(new HashSet<>(ids), new HashSet<>(got.stream().map(r -> r.get("keyId")).toList()));
        assertTrue(got.stream().allMatch(r -> Boolean.TRUE.equals(r.get("verified"))));
    }
}
