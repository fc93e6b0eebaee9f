package dev.latchkey.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The web console's shell (README, "Web console"): static files under {@code META-INF/resources/console/} served by
 * Quarkus, with security headers on every answer — a Content-Security-Policy without inline script or style,
 * {@code X-Frame-Options:
 * DENY}, no referrer, no sniffing — and {@code index.html} for every path that is not a file, so that deep links such
 * as {@code /console/orgs/acme/api-keys} open the app. {@code /console/config.json} tells the app how to sign in.
 */
@ApplicationScoped
public class ConsoleRoutes {

    private final Buffer index;
    private final Buffer config;
    private final String csp;

    public ConsoleRoutes(LatchkeyConfig latchkey, ObjectMapper json) {
        this.index = Buffer.buffer(resource("META-INF/resources/console/index.html"));
        ObjectNode c = json.createObjectNode();
        String issuer = latchkey.console().oidcIssuer().map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        String clientId = latchkey.console().oidcClientId().orElse(null);
        String connect = "'self'";
        if (issuer != null && clientId != null) {
            ObjectNode oidc = c.putObject("oidc");
            oidc.put("issuer", issuer).put("clientId", clientId).put("scope", latchkey.console().oidcScope());
            URI u = URI.create(issuer);
            connect += " " + u.getScheme() + "://" + u.getAuthority();
        } else {
            c.putNull("oidc");
        }
        this.config = Buffer.buffer(c.toString());
        this.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src " + connect + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    void routes(@Observes Router router) {
        // Vert.x matches "/console" for "/console/" too: redirect only the bare path
        router.route("/console").order(-901).handler(ctx -> {
            if (ctx.request().path().equals("/console")) {
                ctx.redirect("/console/");
            } else {
                ctx.next();
            }
        });
        router.route("/console/*").order(-900).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Security-Policy", csp).putHeader("X-Frame-Options", "DENY")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin");
        String path = ctx.normalizedPath();
        if (path.equals("/console/config.json")) {
            res.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(config);
            return;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.contains(".") && !last.equals("index.html")) {
            ctx.next(); // a file: Quarkus' static handler (404 when there is none)
            return;
        }
        res.putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache").end(index);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
