package dev.latchkey.gateway;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * HTTP ({@code /authorize}) and gRPC (Envoy's Check) give the same answer to the same question, for every verify code:
 * each row of the table asks both, with the same key, headers, original request and client address, and checks the
 * status, the gRPC code and every gateway header against the row and against each other.
 */
@QuarkusTest
class GatewayAgreementTest {

    @GrpcClient("authz")
    AuthorizationGrpc.AuthorizationBlockingStub authz;

    @Inject
    TestClock clock;

    @Inject
    DataSource dataSource;

    /** The registry the verify meters are on (and /q/metrics scrapes): see VerifyMetrics. */
    @Inject
    PrometheusMeterRegistry registry;

    /** An answer as one transport carried it: statuses, the gateway headers by lower-case name, the body. */
    record Seen(int status, int rpc, Map<String, String> headers, String body) {
    }

    /** A question: the key (null: none), the headers the client or gateway sent, the original method and path. */
    record Ask(String key, Map<String, String> headers, String path) {
        Ask(String key) {
            this(key, Map.of(), "/");
        }
    }

    private static final Set<String> GATEWAY_HEADERS = new java.util.HashSet<>();
    static {
        for (GatewayAnswer.Header h : GatewayAnswer.Header.values()) {
            GATEWAY_HEADERS.add(h.lower);
        }
    }

    private Seen http(Ask ask) {
        var req = given().headers(ask.headers());
        if (ask.key() != null) {
            req = req.header("X-API-Key", ask.key());
        }
        // Envoy's HTTP ext_authz form: the original path appended to /authorize, the original method kept
        Response r = req.get("/authorize" + (ask.path().equals("/") ? "" : ask.path()));
        Map<String, String> headers = new TreeMap<>();
        r.getHeaders().forEach(h -> {
            String name = h.getName().toLowerCase(Locale.ROOT);
            if (GATEWAY_HEADERS.contains(name)) {
                headers.put(name, h.getValue());
            }
        });
        return new Seen(r.statusCode(), -1, headers, r.asString());
    }

    private Seen grpc(Ask ask) {
        return grpc(ask, Map.of());
    }

    private Seen grpc(Ask ask, Map<String, String> extensions) {
        Map<String, String> headers = new HashMap<>();
        ask.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        if (ask.key() != null) {
            headers.put("x-api-key", ask.key());
        }
        AttributeContext.HttpRequest http = AttributeContext.HttpRequest.newBuilder().putAllHeaders(headers)
                .setMethod("GET").setPath(ask.path()).build();
        CheckResponse r = authz.check(CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setAddress(
                        Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1"))))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)).putAllContextExtensions(extensions))
                .build());
        Map<String, String> seen = new TreeMap<>();
        if (r.hasOkResponse()) {
            put(seen, r.getOkResponse().getHeadersList());
            put(seen, r.getOkResponse().getResponseHeadersToAddList());
            return new Seen(200, r.getStatus().getCode(), seen, "");
        }
        put(seen, r.getDeniedResponse().getHeadersList());
        return new Seen(r.getDeniedResponse().getStatus().getCodeValue(), r.getStatus().getCode(), seen,
                r.getDeniedResponse().getBody());
    }

    private static void put(Map<String, String> into, List<HeaderValueOption> options) {
        for (HeaderValueOption o : options) {
            String name = o.getHeader().getKey();
            assertEquals(name.toLowerCase(Locale.ROOT), name, "gRPC header names are lower-case");
            if (GATEWAY_HEADERS.contains(name)) {
                into.put(name, o.getHeader().getValue());
            }
        }
    }

    /**
     * Asks both transports and checks the answer: the row's status and gRPC code, the same headers with the same values
     * (a rate limit's remaining count one lower on the second ask, which spent a token; times within a second).
     */
    private Set<VerifyCode> expect(String row, Ask ask, VerifyCode code, int status, int rpc) {
        Seen h = http(ask);
        Seen g = grpc(ask);
        String why = row + ": http " + h + ", grpc " + g;
        assertEquals(status, h.status(), why);
        assertEquals(status, g.status(), why);
        assertEquals(rpc, g.rpc(), why);
        assertEquals(code == VerifyCode.VALID ? null : code.name(), h.headers().get("x-latchkey-code"), why);
        assertEquals(h.headers().keySet(), g.headers().keySet(), why);
        for (String name : h.headers().keySet()) {
            String a = h.headers().get(name);
            String b = g.headers().get(name);
            switch (name) {
            case "retry-after", "x-ratelimit-reset" -> assertTrue(Math.abs(Long.parseLong(a) - Long.parseLong(b)) <= 1,
                    why);
            case "x-ratelimit-remaining" -> assertEquals(Math.max(0, Long.parseLong(a) - 1), Long.parseLong(b), why);
            default -> assertEquals(a, b, why + " (" + name + ")");
            }
        }
        assertEquals(status == 401 ? "Bearer" : null, h.headers().get("www-authenticate"), why);
        if (code != VerifyCode.VALID) {
            assertEquals("{\"valid\":false,\"code\":\"" + code.name() + "\"}", h.body(), why);
            assertEquals(h.body(), g.body(), why);
        }
        return EnumSet.of(code);
    }

    @Test
    void httpAndGrpcAgreeForEveryCode() throws Exception {
        Api.Fixture o = Api.fixture();
        Set<VerifyCode> covered = EnumSet.noneOf(VerifyCode.class);
        Map<String, Object> viewer = Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()));

        Map<String, Object> limitedBody = new HashMap<>(viewer);
        limitedBody.put("rateLimit", Map.of("limit", 1000, "windowSeconds", 3600));
        String[] valid = Api.key(o.slug(), o.token(), limitedBody);
        covered.addAll(
                expect("valid, with a rate limit", new Ask(valid[1], Map.of("X-Latchkey-Permission", "read"), "/"),
                        VerifyCode.VALID, 200, GatewayAnswer.RPC_OK));
        Seen allowed = http(new Ask(valid[1]));
        assertEquals(valid[0], allowed.headers().get("x-latchkey-key-id"));
        assertEquals(o.slug(), allowed.headers().get("x-latchkey-organization"));
        assertEquals("1000", allowed.headers().get("x-ratelimit-limit"));
        assertEquals("997", allowed.headers().get("x-ratelimit-remaining"), "three asks so far");

        covered.addAll(expect("no key", new Ask(null), VerifyCode.NOT_FOUND, 401, GatewayAnswer.RPC_UNAUTHENTICATED));
        expect("unknown key", new Ask("lks_nope"), VerifyCode.NOT_FOUND, 401, GatewayAnswer.RPC_UNAUTHENTICATED);

        Instant expiry = clock.instant().plusSeconds(60);
        Map<String, Object> expiringBody = new HashMap<>(viewer);
        expiringBody.put("expiresAt", expiry.toString());
        String expiring = Api.key(o.slug(), o.token(), expiringBody)[1];
        clock.advance(Duration.ofSeconds(61));
        covered.addAll(
                expect("expired", new Ask(expiring), VerifyCode.EXPIRED, 401, GatewayAnswer.RPC_UNAUTHENTICATED));

        String[] revoked = Api.key(o.slug(), o.token(), viewer);
        as(o.token()).post(o.keys() + "/" + revoked[0] + "/revoke").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "REVOKED".equals(http(new Ask(revoked[1])).headers().get("x-latchkey-code")));
        covered.addAll(
                expect("revoked", new Ask(revoked[1]), VerifyCode.REVOKED, 401, GatewayAnswer.RPC_UNAUTHENTICATED));

        String[] disabled = Api.key(o.slug(), o.token(), viewer);
        as(o.token()).body(Map.of("enabled", false)).patch(o.keys() + "/" + disabled[0]).then().statusCode(200);
        covered.addAll(
                expect("disabled", new Ask(disabled[1]), VerifyCode.DISABLED, 401, GatewayAnswer.RPC_UNAUTHENTICATED));

        covered.addAll(expect("a workspace the key does not cover",
                new Ask(valid[1], Map.of("X-Latchkey-Workspace", "elsewhere"), "/"), VerifyCode.FORBIDDEN, 403,
                GatewayAnswer.RPC_PERMISSION_DENIED));
        covered.addAll(
                expect("a permission the key lacks", new Ask(valid[1], Map.of("X-Latchkey-Permission", "write"), "/"),
                        VerifyCode.INSUFFICIENT_PERMISSIONS, 403, GatewayAnswer.RPC_PERMISSION_DENIED));

        Map<String, Object> oneBody = new HashMap<>(viewer);
        oneBody.put("rateLimit", Map.of("limit", 1, "windowSeconds", 3600));
        String one = Api.key(o.slug(), o.token(), oneBody)[1];
        assertEquals(200, http(new Ask(one)).status(), "the one token");
        covered.addAll(expect("rate limited", new Ask(one), VerifyCode.RATE_LIMITED, 429,
                GatewayAnswer.RPC_RESOURCE_EXHAUSTED));
        Seen limited = http(new Ask(one));
        assertTrue(Long.parseLong(limited.headers().get("retry-after")) > 3500, limited.toString());
        expect("rate limited, nginx mode", new Ask(one, Map.of("X-Latchkey-Mode", "nginx"), "/"),
                VerifyCode.RATE_LIMITED, 403, GatewayAnswer.RPC_RESOURCE_EXHAUSTED);

        Map<String, Object> fencedBody = new HashMap<>(viewer);
        fencedBody.put("ipAllowlist", List.of("10.0.0.0/8"));
        String fenced = Api.key(o.slug(), o.token(), fencedBody)[1];
        covered.addAll(expect("a client address outside the allow-list", new Ask(fenced), VerifyCode.IP_NOT_ALLOWED,
                403, GatewayAnswer.RPC_PERMISSION_DENIED));

        Map<String, Object> routedBody = new HashMap<>(viewer);
        routedBody.put("routes", List.of(Map.of("methods", List.of("GET"), "path", "/v1/docs/**")));
        String routed = Api.key(o.slug(), o.token(), routedBody)[1];
        expect("a route the key may call", new Ask(routed, Map.of(), "/v1/docs/1"), VerifyCode.VALID, 200,
                GatewayAnswer.RPC_OK);
        covered.addAll(expect("a route the key may not call", new Ask(routed, Map.of(), "/v1/admin"),
                VerifyCode.ROUTE_NOT_ALLOWED, 403, GatewayAnswer.RPC_PERMISSION_DENIED));

        Map<String, Object> spentBody = new HashMap<>(viewer);
        spentBody.put("quota", Map.of("remaining", 0));
        String spent = Api.key(o.slug(), o.token(), spentBody)[1];
        covered.addAll(expect("a spent quota without refill", new Ask(spent), VerifyCode.USAGE_EXCEEDED, 403,
                GatewayAnswer.RPC_RESOURCE_EXHAUSTED));
        Map<String, Object> refilledBody = new HashMap<>(viewer);
        refilledBody.put("quota", Map.of("remaining", 0, "refill", Map.of("amount", 5, "interval", "daily")));
        String refilled = Api.key(o.slug(), o.token(), refilledBody)[1];
        expect("a spent quota that refills", new Ask(refilled), VerifyCode.USAGE_EXCEEDED, 429,
                GatewayAnswer.RPC_RESOURCE_EXHAUSTED);
        assertNotNull(http(new Ask(refilled)).headers().get("retry-after"));

        // a key whose row cannot be read (an operator's SQL wrote an address that is not one): UNAVAILABLE, 503, and
        // the
        // failure is a bug to look at, not an outage — logged at ERROR and counted as such
        String[] broken = Api.key(o.slug(), o.token(), viewer);
        Handler errors = capture("dev.latchkey.verify.VerifyService");
        double failedBefore = loadFailures("error");
        try {
            setAllowlist(broken[0], "{not-an-address}");
            covered.addAll(expect("a key row that cannot be loaded", new Ask(broken[1]), VerifyCode.UNAVAILABLE, 503,
                    GatewayAnswer.RPC_UNAVAILABLE));
            Seen unavailable = http(new Ask(broken[1]));
            assertEquals(String.valueOf(dev.latchkey.error.ApiException.RETRY_AFTER_SECONDS),
                    unavailable.headers().get("retry-after"));
            assertEquals(failedBefore + 3, loadFailures("error"), "each of the three asks failed to load");
            assertTrue(((Captured) errors).errors.stream().anyMatch(m -> m.contains("key load failed")),
                    "logged at ERROR: " + ((Captured) errors).errors);
        } finally {
            Logger.getLogger("dev.latchkey.verify.VerifyService").removeHandler(errors);
            setAllowlist(broken[0], null);
        }

        assertEquals(EnumSet.allOf(VerifyCode.class), covered, "every code asked");

        // a required permission that is not one: 400 with the same problem on both transports
        Ask malformed = new Ask(valid[1], Map.of("X-Latchkey-Permission", "not a permission!"), "/");
        Seen h = http(malformed);
        Seen g = grpc(malformed);
        assertEquals(400, h.status());
        assertEquals(400, g.status());
        assertEquals(GatewayAnswer.RPC_INVALID_ARGUMENT, g.rpc());
        assertNull(h.headers().get("x-latchkey-code"));
        assertEquals(h.headers(), g.headers());
        assertTrue(h.body().contains("\"code\":\"validation_failed\"") && h.body().contains("X-Latchkey-Permission"),
                h.body());
        assertEquals(h.body().replaceAll("\"requestId\":\"[^\"]*\"", ""),
                g.body().replaceAll("\"requestId\":\"[^\"]*\"", ""));
    }

    /**
     * The operator's own parameters — the query of the fixed /authorize URL, a gRPC check's context extensions — win
     * over the headers, which a gateway that forwards every header lets a client choose; the query of an Envoy-style
     * /authorize/&lt;path&gt; is the client's and asks nothing.
     */
    @Test
    void theOperatorsParametersWinOverTheClientsHeaders() {
        Api.Fixture o = Api.fixture();
        String viewer = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1];
        // bare /authorize (nginx, Traefik, Caddy): the configured URL's query first
        given().header("X-API-Key", viewer).header("X-Latchkey-Permission", "read").queryParam("permission", "write")
                .get("/authorize").then().statusCode(403).header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        given().header("X-API-Key", viewer).header("X-Latchkey-Workspace", o.ws()).queryParam("workspace", "elsewhere")
                .get("/authorize").then().statusCode(403).header("X-Latchkey-Code", "FORBIDDEN");
        given().header("X-API-Key", viewer).header("X-Latchkey-Permission", "write").queryParam("permission", "read")
                .get("/authorize").then().statusCode(200);
        // a malformed parameter is named as the parameter
        given().header("X-API-Key", viewer).queryParam("permission", "not a permission!").get("/authorize").then()
                .statusCode(400).body("detail", org.hamcrest.Matchers.endsWith(": permission"));
        // Envoy's HTTP check (/authorize + the original path and query): the query is the client's, the headers
        // (headers_to_add) are Envoy's
        given().header("X-API-Key", viewer).header("X-Latchkey-Permission", "write").queryParam("permission", "read")
                .get("/authorize/v1/docs").then().statusCode(403).header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        given().header("X-API-Key", viewer).header("X-Latchkey-Permission", "read").queryParam("workspace", "elsewhere")
                .queryParam("mode", "nginx").get("/authorize/v1/docs").then().statusCode(200);
        // gRPC: the route's context extensions first
        Seen lowered = grpc(new Ask(viewer, Map.of("X-Latchkey-Permission", "read"), "/"),
                Map.of("permission", "write"));
        assertEquals(403, lowered.status());
        assertEquals("INSUFFICIENT_PERMISSIONS", lowered.headers().get("x-latchkey-code"));
        Seen moved = grpc(new Ask(viewer, Map.of("X-Latchkey-Workspace", "elsewhere"), "/"),
                Map.of("workspace", o.ws(), "permission", "read"));
        assertEquals(200, moved.status(), moved.toString());
        Seen fallback = grpc(new Ask(viewer, Map.of("X-Latchkey-Permission", "write"), "/"), Map.of());
        assertEquals("INSUFFICIENT_PERMISSIONS", fallback.headers().get("x-latchkey-code"),
                "without an extension the header still counts");
    }

    private void setAllowlist(String keyId, String value) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c
                .prepareStatement("update api_keys set ip_allowlist = ?::text[] where key_id = ?")) {
            s.setString(1, value);
            s.setString(2, keyId);
            assertEquals(1, s.executeUpdate());
        }
    }

    private double loadFailures(String reason) {
        return registry.get(VerifyMetrics.LOAD_FAILURES).tag("reason", reason).counter().count();
    }

    /** Records the ERROR messages of one logger. */
    private static final class Captured extends Handler {
        final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(String.valueOf(r.getMessage()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static Handler capture(String logger) {
        Captured h = new Captured();
        Logger.getLogger(logger).addHandler(h);
        return h;
    }
}
