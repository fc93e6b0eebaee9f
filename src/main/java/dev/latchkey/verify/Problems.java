package dev.latchkey.verify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** problem+json answers for the Vert.x routes, the same shape as the REST API's. */
public final class Problems {

    private Problems() {
    }

    /** Ends the request with a 4xx problem. */
    public static void send(RoutingContext ctx, int status, String code, String title, String detail) {
        end(ctx, new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail).put("code", code));
    }

    /** Ends the request with a 400 {@code validation_failed} naming one field. */
    public static void invalid(RoutingContext ctx, String field, String message) {
        end(ctx, new JsonObject().put("type", "about:blank").put("title", "Bad Request").put("status", 400)
                .put("detail", "The request is not valid").put("code", "validation_failed")
                .put("errors", new JsonArray().add(new JsonObject().put("field", field).put("message", message))));
    }

    private static void end(RoutingContext ctx, JsonObject problem) {
        ctx.response().setStatusCode(problem.getInteger("status")).putHeader("Content-Type", "application/problem+json")
                .end(problem.encode());
    }
}
