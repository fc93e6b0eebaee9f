package dev.latchkey.webhook;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Parallel;
import dev.latchkey.webhook.event.EventPruner;
import dev.latchkey.webhook.event.ExpiryEvents;

/**
 * The events that are not a management call's own (README, "Webhooks"): {@code key.expiring} once per lead time and
 * {@code key.expired} once, however many scans race (the injected clock brings the dates); {@code quota.low} and
 * {@code quota.exhausted} once per refill period; and the management events of other routes: {@code key.leaked},
 * {@code key.imported}, {@code member.removed}. Every delivery verified by the Standard Webhooks reference library.
 */
@QuarkusTest
public class WebhookEventsTest extends ReceiverTest {

    @Inject
    ExpiryEvents expiry;

    @Inject
    EventPruner pruner;

    @Inject
    javax.sql.DataSource dataSource;

    long events(String orgSlug, String status) throws Exception {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement s = c
                .prepareStatement("select count(*) from webhook_events e join webhook_deliveries d on d.event_id = e.id"
                        + " where e.organization_id = (select id from organizations where slug = ?) and d.status = ?")) {
            s.setString(1, orgSlug);
            s.setString(2, status);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String hook(Api.Fixture o, List<String> events) throws Exception {
        String path = "/events-" + o.slug();
        hook(o, path, events, 200);
        return path;
    }

    static List<Map<String, Object>> awaitReceived(String path, int n) throws Exception {
        List<Map<String, Object>> got = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.received(path), r -> r.size() >= n);
        Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.received(path).size() == n);
        assertTrue(got.stream().allMatch(r -> Boolean.TRUE.equals(r.get("verified"))), got.toString());
        return receiver.received(path);
    }

    @SuppressWarnings("unchecked")
    static Object data(Map<String, Object> received, String field) {
        return ((Map<String, Object>) received.get("data")).get(field);
    }

    /** Four replicas' worth of scans at once: each event is written by one of them. */
    int racingScans() {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(4, List.of(1, 2, 3, 4), i -> written.add(expiry.scan()));
        return written.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void expiringOncePerLeadTimeAndExpiredOnceWhateverTheRacingScans() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = hook(o, List.of("key.expiring", "key.expired"));
        String[] week = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "expiresAt", clock.instant().plus(Duration.ofDays(3)).toString()));
        String[] soon = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "expiresAt", clock.instant().plus(Duration.ofHours(20)).toString()));
        Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()), "expiresAt",
                clock.instant().plus(Duration.ofDays(30)).toString()));

        racingScans();
        List<Map<String, Object>> got = awaitReceived(path, 2);
        Map<String, String> lead = new HashMap<>();
        got.forEach(r -> lead.put((String) r.get("keyId"), (String) data(r, "leadTime")));
        assertEquals(Map.of(week[0], "PT168H", soon[0], "PT24H"), lead,
                "the nearest lead time that applies, once each; the 30-day key is not near");
        assertTrue(got.stream().allMatch(r -> "key.expiring".equals(r.get("type"))));

        advance(Duration.ofHours(21));
        assertEquals(1, racingScans(), "the 20-hour key has expired: written once by four scans");
        got = awaitReceived(path, 3);
        assertEquals("key.expired", got.get(2).get("type"));
        assertEquals(soon[0], got.get(2).get("keyId"));

        advance(Duration.ofDays(2));
        assertEquals(1, racingScans(), "the 3-day key is within a day now");
        got = awaitReceived(path, 4);
        assertEquals(List.of("key.expiring", week[0], "PT24H"),
                List.of(got.get(3).get("type"), got.get(3).get("keyId"), data(got.get(3), "leadTime")));
        assertEquals(0, racingScans(), "nothing new");
    }

    @Test
    void quotaLowThenExhaustedOncePerRefillPeriod() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = hook(o, List.of("quota.low", "quota.exhausted"));
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        body.put("quota", Map.of("remaining", 20));
        String[] k = Api.key(o.slug(), o.token(), body);
        String base = "http://127.0.0.1:" + io.restassured.RestAssured.port;
        Parallel.forEach(4, IntStream.range(0, 17).boxed().toList(),
                i -> given().contentType("application/json").body(Map.of("key", k[1])).post(base + "/verify"));
        // over two flush intervals: 3 left is more than 10 %, nothing is sent
        Awaitility.await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.received(path).isEmpty());
        for (int i = 0; i < 2; i++) {
            given().contentType("application/json").body(Map.of("key", k[1])).post("/verify").then().statusCode(200);
        }
        List<Map<String, Object>> got = awaitReceived(path, 1);
        assertEquals("quota.low", got.get(0).get("type"));
        assertEquals(k[0], got.get(0).get("keyId"));
        assertEquals(Map.of("remaining", 1, "size", 20), data(got.get(0), "quota"));

        for (int i = 0; i < 3; i++) {
            given().contentType("application/json").body(Map.of("key", k[1])).post("/verify");
        }
        got = awaitReceived(path, 2);
        assertEquals("quota.exhausted", got.get(1).get("type"));
        assertEquals(Map.of("remaining", 0, "size", 20), data(got.get(1), "quota"));
    }

    @Test
    void leakedImportedAndMemberRemovedAreEventsToo() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = hook(o, List.of("key.leaked", "key.imported", "member.removed"));
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        as(o.token()).body(Map.of("url", "https://pastebin.example/raw/1")).post(o.keys() + "/" + k[0] + "/report-leak")
                .then().statusCode(200);
        as(o.token()).body(Map.of("keys",
                List.of(Map.of("value", "search-abcdefghijklmnopqrstuvwx", "kind", "service", "name", "imported",
                        "role", "viewer", "scope", wsScope(o.ws()))),
                "origin", Map.of("system", "app-search"))).post(o.keys() + "/import").then().statusCode(200);
        Api.member(o.slug(), o.token(), "carol-" + o.slug(), Map.of("orgRole", "member"));
        as(o.token()).delete("/api/v1/orgs/" + o.slug() + "/members/carol-" + o.slug()).then().statusCode(204);

        List<Map<String, Object>> got = awaitReceived(path, 3);
        Map<String, Map<String, Object>> byType = new HashMap<>();
        got.forEach(r -> byType.put((String) r.get("type"), r));
        assertEquals(k[0], byType.get("key.leaked").get("keyId"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) data(byType.get("key.leaked"), "details");
        assertEquals("https://pastebin.example/raw/1", details.get("url"));
        assertEquals("revoke", details.get("policy"));
        assertEquals("imported", ((Map<?, ?>) data(byType.get("key.imported"), "key")).get("name"));
        assertEquals(Map.of("subject", "carol-" + o.slug(), "orgRole", "member"),
                data(byType.get("member.removed"), "member"));
    }

    @Test
    void eventsPastRetentionGoUnlessADeliveryIsStillPending() throws Exception {
        Api.Fixture o = Api.fixture();
        String path = hook(o, List.of("key.created"));
        Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        awaitReceived(path, 1);
        Api.Fixture stuck = Api.fixture();
        String stuckHook = as(stuck.token())
                .body(Map.of("url", "http://127.0.0.1:9/nobody", "events", List.of("key.created")))
                .post("/api/v1/orgs/" + stuck.slug() + "/webhooks").then().statusCode(201).extract().path("id");
        Api.key(stuck.slug(), stuck.token(), Map.of("kind", "service", "role", "viewer", "scope", wsScope(stuck.ws())));
        // disabled, so that no attempt after the clock's jump gives it up before the prune looks: it stays pending
        as(stuck.token()).body(Map.of("enabled", false))
                .patch("/api/v1/orgs/" + stuck.slug() + "/webhooks/" + stuckHook).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events(o.slug(), "delivered") == 1);
        assertEquals(1, events(stuck.slug(), "pending"));

        pruner.prune();
        assertEquals(1, events(o.slug(), "delivered"), "within retention: kept");
        advance(Duration.ofDays(31));
        pruner.prune();
        assertEquals(0, events(o.slug(), "delivered"), "past retention and delivered: gone");
        assertEquals(1, events(stuck.slug(), "pending"), "still being retried: kept");
    }
}
