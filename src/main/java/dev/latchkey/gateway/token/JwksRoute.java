package dev.latchkey.gateway.token;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;

/** {@code GET /.well-known/jwks.json}: the public keys of identity tokens, for upstreams to verify them offline. */
@Singleton
public class JwksRoute {

    private final SigningKeys keys;

    public JwksRoute(SigningKeys keys) {
        this.keys = keys;
    }

    void routes(@Observes Router router) {
        router.get("/.well-known/jwks.json").order(-900)
                .handler(ctx -> ctx.response().putHeader("Content-Type", "application/jwk-set+json")
                        .putHeader("Cache-Control", "max-age=300").end(keys.jwks()));
    }
}
