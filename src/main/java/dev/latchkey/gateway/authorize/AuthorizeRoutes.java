package dev.latchkey.gateway.authorize;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.common.http.RouteOrder;
import dev.latchkey.error.Problems;
import dev.latchkey.gateway.GatewayAnswer;
import dev.latchkey.gateway.GatewayQuestion;
import dev.latchkey.gateway.VerifyJson;
import dev.latchkey.gateway.token.IdentityTokens;
import dev.latchkey.verify.ClientIp;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.VerifyRequest;
import dev.latchkey.verify.VerifyService;

/**
 * Gateway mode, {@code ANY /authorize} and {@code ANY /authorize/**}: Envoy ext_authz (HTTP) appends the original path;
 * nginx {@code auth_request} and Traefik {@code forwardAuth} call a fixed URL. The answer is carried by the status and
 * headers: 200 with {@code X-Latchkey-*} for upstream, 401 with {@code WWW-Authenticate}, 403, 429 with
 * {@code Retry-After} (403 in nginx mode, which treats anything but 2xx/401/403 as an error), and
 * {@code X-Latchkey-Code} on every denial.
 */
@ApplicationScoped
public class AuthorizeRoutes {

    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

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
        router.route("/authorize").order(RouteOrder.HOT).handler(this::handle).failureHandler(Problems::failure);
        router.route("/authorize/*").order(RouteOrder.HOT + 1).handler(this::handle).failureHandler(Problems::failure);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        // the query of the fixed /authorize URL is the operator's (parsed only when there is one); an Envoy-style
        // /authorize/<path> carries the client's own query, which asks nothing
        boolean operatorQuery = req.query() != null && !req.path().startsWith("/authorize/");
        GatewayQuestion q = GatewayQuestion.read(req::getHeader, operatorQuery ? req::getParam : none -> null);
        if (q.invalid() != null) {
            Problems.send(ctx, GatewayAnswer.invalid(q));
            return;
        }
        if (q.noKey()) {
            answer(ctx, Decision.missing(), q);
            return;
        }
        VerifyRequest.Address ip = clientIp.of(req);
        verify.verify(new VerifyRequest(q.key(), q.workspace(), q.permissions(), ip, new OriginalRequest(req)),
                VerifyMetrics.Endpoint.AUTHORIZE).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(500, ar.cause());
                    } else {
                        answer(ctx, ar.result(), q);
                    }
                });
    }

    /**
     * The answer as {@link GatewayAnswer} maps it: allowed, 200 without a body (gateways read only the status and
     * headers); denied, with {@code {"valid":false,"code":…}}.
     */
    private void answer(RoutingContext ctx, Decision d, GatewayQuestion q) {
        HttpServerResponse res = ctx.response().putHeader(CACHE_CONTROL, NO_STORE);
        long now = clock.millis();
        CharSequence token = d.valid() && tokens.wanted(q.wantToken()) ? tokens.headerFor(d, now) : null;
        GatewayAnswer.write(d, q.nginx(), token, now, new GatewayAnswer.Target() {
            @Override
            public void status(int httpStatus, int rpcCode) {
                res.setStatusCode(httpStatus);
            }

            @Override
            public void header(GatewayAnswer.Header header, CharSequence value) {
                res.putHeader(header.http, value);
            }
        });
        if (d.valid()) {
            res.end();
        } else {
            res.putHeader(CONTENT_TYPE, JSON).end(json.write(d.codeOnly()));
        }
    }
}
