package dev.latchkey.gateway;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.Problems;
import dev.latchkey.gateway.token.IdentityTokens;
import dev.latchkey.security.Permissions;
import dev.latchkey.verify.ClientIp;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.VerifyCode;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.VerifyRequest;
import dev.latchkey.verify.VerifyService;
import dev.latchkey.verify.cache.CachedKey;
import dev.latchkey.verify.http.PresentedKey;
import dev.latchkey.verify.http.VerifyJson;

/**
 * Gateway mode, {@code ANY /authorize} and {@code ANY /authorize/**}: Envoy ext_authz (HTTP) appends the original path;
 * nginx {@code auth_request} and Traefik {@code forwardAuth} call a fixed URL. The answer is carried by the status and
 * headers: 200 with {@code X-Latchkey-*} for upstream, 401 with {@code WWW-Authenticate}, 403, 429 with
 * {@code Retry-After} (403 in nginx mode, which treats anything but 2xx/401/403 as an error), and
 * {@code X-Latchkey-Code} on every denial.
 */
@ApplicationScoped
public class AuthorizeRoutes {

    // header names encoded once (Vert.x reuses the bytes), as this runs on every gateway request
    private static final CharSequence KEY_ID = HttpHeaders.createOptimized("X-Latchkey-Key-Id");
    private static final CharSequence ORGANIZATION = HttpHeaders.createOptimized("X-Latchkey-Organization");
    private static final CharSequence ACTOR = HttpHeaders.createOptimized("X-Latchkey-Actor");
    private static final CharSequence PERMISSIONS = HttpHeaders.createOptimized("X-Latchkey-Permissions");
    private static final CharSequence CODE = HttpHeaders.createOptimized("X-Latchkey-Code");
    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    private static final CharSequence TOKEN = HttpHeaders.createOptimized("X-Latchkey-Token");
    private static final CharSequence WANT_TOKEN = HttpHeaders.createOptimized("X-Latchkey-Want-Token");

    private final VerifyService verify;
    private final VerifyJson json;
    private final ClientIp clientIp;
    private final IdentityTokens tokens;
    private final Clock clock;

    public AuthorizeRoutes(VerifyService verify, VerifyJson json, ClientIp clientIp, IdentityTokens tokens,
            Clock clock) {
        this.verify = verify;
        this.json = json;
        this.clientIp = clientIp;
        this.tokens = tokens;
        this.clock = clock;
    }

    void routes(@Observes Router router) {
        router.route("/authorize").order(PresentedKey.ROUTE_ORDER).handler(this::handle)
                .failureHandler(Problems::failure);
        router.route("/authorize/*").order(PresentedKey.ROUTE_ORDER + 1).handler(this::handle)
                .failureHandler(Problems::failure);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        // query parameters are parsed only when there is a query: nginx and Traefik send none
        boolean query = req.query() != null;
        boolean nginx = "nginx".equalsIgnoreCase(req.getHeader("X-Latchkey-Mode"))
                || (query && "nginx".equalsIgnoreCase(req.getParam("mode")));
        String key = PresentedKey.fromHeaders(req);
        if (key == null || key.isEmpty()) {
            deny(ctx, Decision.missing(), nginx);
            return;
        }
        String workspace = first(req.getHeader("X-Latchkey-Workspace"), query ? req.getParam("workspace") : null);
        String permission = first(req.getHeader("X-Latchkey-Permission"), query ? req.getParam("permission") : null);
        List<String> permissions = permission == null ? null : Permissions.parseList(permission);
        if (permission != null && permissions == null) {
            Problems.send(ctx, ApiException.badRequest("validation_failed", "Not a permission: X-Latchkey-Permission"));
            return;
        }
        VerifyRequest.Address ip = clientIp.of(req);
        verify.verify(new VerifyRequest(key, workspace, permissions, ip, new OriginalRequest(req)),
                VerifyMetrics.Endpoint.AUTHORIZE).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(500, ar.cause());
                    } else if (ar.result().valid()) {
                        allow(ctx, ar.result(),
                                tokens.wanted(first(req.getHeader(WANT_TOKEN), query ? req.getParam("token") : null)));
                    } else {
                        deny(ctx, ar.result(), nginx);
                    }
                });
    }

    /** 200 with the identity in headers; no body (gateways read only the status and headers). */
    private void allow(RoutingContext ctx, Decision d, boolean withToken) {
        CachedKey k = d.key();
        HttpServerResponse res = ctx.response().setStatusCode(200).putHeader(KEY_ID, k.keyId())
                .putHeader(ORGANIZATION, d.org().slug()).putHeader(ACTOR, k.actorHeader())
                .putHeader(PERMISSIONS, d.permissionsHeader()).putHeader(CACHE_CONTROL, NO_STORE);
        if (withToken) {
            res.putHeader(TOKEN, tokens.headerFor(d, clock.millis()));
        }
        rateHeaders(res, d);
        res.end();
    }

    private void deny(RoutingContext ctx, Decision d, boolean nginx) {
        VerifyCode code = d.code();
        long retryAfter = d.retryAfterSeconds(clock.millis());
        HttpServerResponse res = ctx.response().setStatusCode(code.gatewayStatus(nginx, retryAfter > 0))
                .putHeader(CODE, code.name()).putHeader(CACHE_CONTROL, NO_STORE);
        if (code.gatewayStatus(false) == 401) {
            res.putHeader("WWW-Authenticate", "Bearer");
        }
        if (retryAfter > 0) {
            res.putHeader("Retry-After", String.valueOf(retryAfter));
        }
        rateHeaders(res, d);
        res.putHeader("Content-Type", "application/json").end(json.write(d.codeOnly()));
    }

    private static void rateHeaders(HttpServerResponse res, Decision d) {
        if (d.rate() != null) {
            res.putHeader("X-RateLimit-Limit", String.valueOf(d.rate().limit()))
                    .putHeader("X-RateLimit-Remaining", String.valueOf(d.rate().remaining()))
                    .putHeader("X-RateLimit-Reset", String.valueOf(d.rate().resetAtEpochSecond()));
        }
    }

    private static String first(String header, String query) {
        String v = header != null && !header.isBlank() ? header : query;
        return v == null || v.isBlank() ? null : v.trim();
    }
}
