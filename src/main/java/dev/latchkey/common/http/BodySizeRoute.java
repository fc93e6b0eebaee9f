package dev.latchkey.common.http;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.Problems;

/**
 * Answers a request whose declared {@code Content-Length} is over {@code latchkey.http.max-body-size} with 413
 * problem+json, on every route, in a way the client can always read.
 * <p>
 * Answering at once and closing while the client is still sending makes the client's TCP stack see a reset, and most
 * clients then report a broken pipe instead of the 413 (Node's fetch did in 8 of 10 tries). So the body is read and
 * thrown away first (nothing is kept), then the 413 is sent; the connection stays open when the client asked for
 * keep-alive. Two exceptions: a client that sent {@code Expect: 100-continue} has not sent the body and gets the 413 at
 * once; and a client that keeps sending past {@link #DRAIN_MAX} bytes or {@link #DRAIN_TIMEOUT_MS} is answered and
 * disconnected (it is not a client that wants the answer).
 */
@Singleton
public class BodySizeRoute {

    static final long DRAIN_MAX = 64L * 1024 * 1024;
    static final long DRAIN_TIMEOUT_MS = 30_000;

    private final long maxBytes;
    /** Routes with a smaller limit, by path. */
    private final Map<String, Long> tighter = new HashMap<>();
    /** Routes with path parameters and their own limit (batch routes, which may take more). */
    private final Map<java.util.regex.Pattern, Long> patterns = new HashMap<>();

    public BodySizeRoute(LatchkeyConfig config, Instance<RouteBodyLimit> limits) {
        this.maxBytes = config.http().maxBodySize().asLongValue();
        for (RouteBodyLimit l : limits) {
            if (l.pathPattern() != null) {
                patterns.put(l.pathPattern(), l.maxBytes());
            } else {
                tighter.put(l.path(), Math.min(maxBytes, l.maxBytes()));
            }
        }
    }

    void routes(@Observes Router router) {
        router.route().order(RouteOrder.BODY_SIZE).handler(this::check);
    }

    /** The body limit of a path: its route's own ({@link RouteBodyLimit}), else {@code latchkey.http.max-body-size}. */
    public long limitFor(String path) {
        Long route = tighter.isEmpty() ? null : tighter.get(path);
        if (route == null) {
            for (Map.Entry<java.util.regex.Pattern, Long> p : patterns.entrySet()) {
                if (p.getKey().matcher(path).matches()) {
                    return p.getValue();
                }
            }
        }
        return route != null ? route : maxBytes;
    }

    private void check(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            ctx.next();
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            ctx.request().response().putHeader(HttpHeaders.CONNECTION, "close");
            Problems.send(ctx, ApiException.badRequest("bad_request", "Content-Length is not a number"));
            return;
        }
        long limit = limitFor(ctx.request().path());
        if (declared <= limit) {
            ctx.next();
            return;
        }
        ApiException tooLarge = ApiException.tooLarge("The request body is larger than " + limit + " bytes");
        HttpServerRequest req = ctx.request();
        if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT)) || req.isEnded()) {
            answer(ctx, tooLarge, !req.isEnded());
            return;
        }
        long[] drained = { 0 };
        boolean[] answered = { false };
        long timer = ctx.vertx().setTimer(DRAIN_TIMEOUT_MS, id -> {
            if (!answered[0]) {
                answered[0] = true;
                answer(ctx, tooLarge, true);
            }
        });
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > DRAIN_MAX && !answered[0]) {
                answered[0] = true;
                ctx.vertx().cancelTimer(timer);
                answer(ctx, tooLarge, true);
            }
        });
        req.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            if (!answered[0]) {
                answered[0] = true;
                answer(ctx, tooLarge, false);
            }
        });
        req.resume();
    }

    private static void answer(RoutingContext ctx, ApiException e, boolean close) {
        if (close) {
            ctx.request().response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.request().response().endHandler(v -> ctx.request().connection().close());
        }
        Problems.send(ctx, e);
    }
}
