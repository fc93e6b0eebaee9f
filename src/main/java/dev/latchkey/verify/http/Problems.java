package dev.latchkey.verify.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** problem+json answers for the Vert.x routes (/verify, /authorize), the same shape as the REST API's. */
public final class Problems {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Problems.class);

    private Problems() {
    }

    /**
     * The failure handler of the Vert.x routes: a body over the limit is 413, another body error 400, and anything else
     * a bug: logged, answered 500 without internals (never blamed on the client).
     */
    public static void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            send(ctx, 413, "payload_too_large", "Content Too Large", "The request body is too large");
        } else if (status >= 400 && status < 500) {
            send(ctx, 400, "malformed_json", "Bad Request", "Unreadable body");
        } else {
            LOG.error("verify path failed", ctx.failure());
            send(ctx, 500, "internal_error", "Internal Server Error", "Unexpected error");
        }
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
