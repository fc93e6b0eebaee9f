package dev.latchkey.verify;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** problem+json answers for the Vert.x routes, the same shape as the REST API's. */
public final class Problems {

    private Problems() {
    }

    /** Ends the request with a 4xx problem. */
    public static void send(RoutingContext ctx, int status, String code, String title, String detail) {
        JsonObject p = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail).put("code", code);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json").end(p.encode());
    }
}
