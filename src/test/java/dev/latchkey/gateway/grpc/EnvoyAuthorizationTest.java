package dev.latchkey.gateway.grpc;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;

/**
 * Envoy's gRPC ext_authz Check against the service's main port: allow with identity headers and token, and each denial
 * with its HTTP status, code header and gRPC status (that these agree with /authorize: GatewayAgreementTest).
 */
@QuarkusTest
class EnvoyAuthorizationTest {

    @GrpcClient("authz")
    AuthorizationGrpc.AuthorizationBlockingStub authz;

    private static CheckRequest check(Map<String, String> headers, String method, String path,
            Map<String, String> extensions) {
        AttributeContext.HttpRequest http = AttributeContext.HttpRequest.newBuilder().putAllHeaders(headers)
                .setMethod(method).setPath(path).build();
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setAddress(
                        Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.1.2.3"))))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)).putAllContextExtensions(extensions))
                .build();
    }

    private static Map<String, String> headers(List<HeaderValueOption> options) {
        return options.stream().collect(Collectors.toMap(o -> o.getHeader().getKey(), o -> o.getHeader().getValue()));
    }

    @Test
    void checkAllowsAndDeniesInEnvoysTerms() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "name", "grpc-reader", "role", "viewer", "scope", wsScope(o.ws())));
        // allowed: identity headers, and the token when the route asks for it (context extension token: "1")
        CheckResponse plain = authz
                .check(check(Map.of("x-api-key", k[1]), "GET", "/docs", Map.of("permission", "read")));
        assertEquals(0, plain.getStatus().getCode());
        assertEquals(k[0], headers(plain.getOkResponse().getHeadersList()).get("x-latchkey-key-id"));
        assertEquals(null, headers(plain.getOkResponse().getHeadersList()).get("x-latchkey-token"), "not asked");
        CheckResponse ok = authz
                .check(check(Map.of("x-api-key", k[1]), "GET", "/docs", Map.of("permission", "read", "token", "1")));
        assertEquals(0, ok.getStatus().getCode());
        Map<String, String> h = headers(ok.getOkResponse().getHeadersList());
        assertEquals(k[0], h.get("x-latchkey-key-id"));
        assertEquals(o.slug(), h.get("x-latchkey-organization"));
        assertEquals("grpc-reader", h.get("x-latchkey-actor"));
        assertTrue(h.get("x-latchkey-token").split("\\.").length == 3, "a JWT");
        // missing and unknown keys: 401, UNAUTHENTICATED
        CheckResponse missing = authz.check(check(Map.of(), "GET", "/", Map.of()));
        assertEquals(16, missing.getStatus().getCode());
        assertEquals(401, missing.getDeniedResponse().getStatus().getCodeValue());
        CheckResponse unknown = authz.check(check(Map.of("authorization", "Bearer lks_nope"), "GET", "/", Map.of()));
        assertEquals("NOT_FOUND", headers(unknown.getDeniedResponse().getHeadersList()).get("x-latchkey-code"));
        // a permission the key lacks, through a header or a context extension: 403, PERMISSION_DENIED
        CheckResponse denied = authz
                .check(check(Map.of("x-api-key", k[1], "x-latchkey-permission", "write"), "GET", "/", Map.of()));
        assertEquals(7, denied.getStatus().getCode());
        assertEquals(403, denied.getDeniedResponse().getStatus().getCodeValue());
        assertEquals("INSUFFICIENT_PERMISSIONS",
                headers(denied.getDeniedResponse().getHeadersList()).get("x-latchkey-code"));
        CheckResponse otherWs = authz.check(check(Map.of("x-api-key", k[1]), "GET", "/", Map.of("workspace", "nope")));
        assertEquals("FORBIDDEN", headers(otherWs.getDeniedResponse().getHeadersList()).get("x-latchkey-code"));
        // route rules read the original method and path from attributes.request.http
        Map<String, Object> body = new HashMap<>(Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        body.put("routes", List.of(Map.of("methods", List.of("GET"), "path", "/v1/docs/**")));
        String routed = Api.key(o.slug(), o.token(), body)[1];
        assertEquals(0,
                authz.check(check(Map.of("x-api-key", routed), "GET", "/v1/docs/1", Map.of())).getStatus().getCode());
        CheckResponse route = authz.check(check(Map.of("x-api-key", routed), "GET", "/v1/docs/../admin", Map.of()));
        assertEquals("ROUTE_NOT_ALLOWED", headers(route.getDeniedResponse().getHeadersList()).get("x-latchkey-code"));
        // a rate limit: 429, RESOURCE_EXHAUSTED, Retry-After
        String limited = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "rateLimit", Map.of("limit", 1, "windowSeconds", 3600)))[1];
        assertEquals(0, authz.check(check(Map.of("x-api-key", limited), "GET", "/", Map.of())).getStatus().getCode());
        CheckResponse rate = authz.check(check(Map.of("x-api-key", limited), "GET", "/", Map.of()));
        assertEquals(8, rate.getStatus().getCode());
        assertEquals(429, rate.getDeniedResponse().getStatus().getCodeValue());
        assertTrue(headers(rate.getDeniedResponse().getHeadersList()).containsKey("retry-after"));
        // a spent quota: RESOURCE_EXHAUSTED; 403 without a refill (waiting will not help), 429 + retry-after with one
        String quota = Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope",
                wsScope(o.ws()), "quota", Map.of("remaining", 1)))[1];
        assertEquals(0, authz.check(check(Map.of("x-api-key", quota), "GET", "/", Map.of())).getStatus().getCode());
        CheckResponse spent = authz.check(check(Map.of("x-api-key", quota), "GET", "/", Map.of()));
        assertEquals(8, spent.getStatus().getCode());
        assertEquals(403, spent.getDeniedResponse().getStatus().getCodeValue());
        assertEquals("USAGE_EXCEEDED", headers(spent.getDeniedResponse().getHeadersList()).get("x-latchkey-code"));
        String refilled = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws()), "quota",
                        Map.of("remaining", 0, "refill", Map.of("amount", 5, "interval", "daily"))))[1];
        CheckResponse later = authz.check(check(Map.of("x-api-key", refilled), "GET", "/", Map.of()));
        assertEquals(8, later.getStatus().getCode());
        assertEquals(429, later.getDeniedResponse().getStatus().getCodeValue());
        assertTrue(Long.parseLong(headers(later.getDeniedResponse().getHeadersList()).get("retry-after")) <= 86_400);
        // revoked: 401
        as(o.token()).post(o.keys() + "/" + k[0] + "/revoke").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                () -> "REVOKED".equals(headers(authz.check(check(Map.of("x-api-key", k[1]), "GET", "/", Map.of()))
                        .getDeniedResponse().getHeadersList()).get("x-latchkey-code")));
    }
}
