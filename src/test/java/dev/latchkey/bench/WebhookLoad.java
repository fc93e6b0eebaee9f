package dev.latchkey.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.latchkey.support.Http;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.Tokens;

/**
 * Webhook events for the benchmark.
 * <ul>
 * <li>{@code throughput URL SINK N}: key creations by 8 clients into an organization without an endpoint, then into one
 * whose endpoint (the sink) wants {@code key.created}; prints "plain/s hooked/s delivered/s": creations per second each
 * way (every hooked creation writes its event in its transaction) and events delivered per second, from the first
 * hooked creation to the sink having them all.</li>
 * <li>{@code backlog URL JDBC SINK N}: an organization with a disabled endpoint to the sink and N pending deliveries of
 * one real event's payload (seeded with SQL: a backlog to drain while the hot path is measured); prints the org and
 * endpoint id; the deliveries are parked (the endpoint is disabled) until {@code enable}.</li>
 * <li>{@code enable URL ORG HOOK true|false}: switches that endpoint on or off.</li>
 * </ul>
 */
public final class WebhookLoad {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = Tokens.user(OrgChurn.OWNER);

    private WebhookLoad() {
    }

    static long sinkCount(String sink) throws Exception {
        return Long.parseLong(HTTP
                .send(HttpRequest.newBuilder(URI.create(sink + "/count")).build(), HttpResponse.BodyHandlers.ofString())
                .body().strip());
    }

    static void org(String url, String org) {
        Http.expect("POST", url + "/api/v1/orgs", Tokens.platformAdmin("root"),
                Map.of("slug", org, "name", org, "owner", OrgChurn.OWNER), 201, 409);
        Http.expect("POST", url + "/api/v1/orgs/" + org + "/workspaces", TOKEN, Map.of("slug", "main", "name", "Main"),
                201, 409);
    }

    static String hook(String url, String org, String sink, boolean enabled) {
        return Http
                .expect("POST", url + "/api/v1/orgs/" + org + "/webhooks", TOKEN,
                        Map.of("url", sink + "/" + org, "events", List.of("key.created"), "enabled", enabled), 201)
                .get("id").asText();
    }

    private static final AtomicInteger NAMES = new AtomicInteger();

    static double create(String url, String org, int n) {
        AtomicInteger i = NAMES;
        long t0 = System.nanoTime();
        Parallel.forEach(8, IntStream.range(0, n).boxed().toList(),
                x -> Http.expect("POST", url + "/api/v1/orgs/" + org + "/keys", TOKEN,
                        Map.of("kind", "service", "name", "k" + i.incrementAndGet(), "role", "viewer", "scope",
                                Map.of("type", "workspace", "workspace", "main")),
                        201));
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        String url = args[1];
        switch (args[0]) {
        case "throughput" -> {
            String sink = args[2];
            int n = Integer.parseInt(args[3]);
            org(url, "bench-plain");
            create(url, "bench-plain", n / 4); // warm-up
            double plain = create(url, "bench-plain", n);
            org(url, "bench-hooked");
            hook(url, "bench-hooked", sink, true);
            long before = sinkCount(sink);
            long t0 = System.nanoTime();
            double hooked = create(url, "bench-hooked", n);
            while (sinkCount(sink) - before < n) {
                Thread.sleep(5);
            }
            double delivered = n / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("%.0f %.0f %.0f%n", plain, hooked, delivered);
        }
        case "backlog" -> {
            String jdbc = args[2];
            String sink = args[3];
            int n = Integer.parseInt(args[4]);
            org(url, "bench-backlog");
            String hook = hook(url, "bench-backlog", sink, true);
            create(url, "bench-backlog", 1); // one real event: its payload is copied
            while (sinkCount(sink) == 0) {
                Thread.sleep(5);
            }
            Http.expect("PATCH", url + "/api/v1/orgs/bench-backlog/webhooks/" + hook, TOKEN, Map.of("enabled", false),
                    200);
            try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                    PreparedStatement s = c.prepareStatement(
                            """
                                    with src as (select e.organization_id, e.type, e.occurred_at, e.payload, w.id as endpoint
                                                   from webhook_events e join webhook_endpoints w
                                                     on w.organization_id = e.organization_id
                                                  where w.public_id = ? limit 1),
                                         ev as (insert into webhook_events (public_id, organization_id, type, occurred_at, payload)
                                                select 'msg_bench' || g, organization_id, type, occurred_at, payload
                                                  from src, generate_series(1, ?) g returning id)
                                    insert into webhook_deliveries (event_id, endpoint_id, next_attempt_at, created_at)
                                    select ev.id, src.endpoint, null, now() from ev, src""")) {
                s.setString(1, hook);
                s.setInt(2, n);
                s.executeUpdate();
            }
            System.out.println("bench-backlog " + hook);
        }
        case "enable" -> Http.expect("PATCH", url + "/api/v1/orgs/" + args[2] + "/webhooks/" + args[3], TOKEN,
                Map.of("enabled", Boolean.parseBoolean(args[4])), 200);
        default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
