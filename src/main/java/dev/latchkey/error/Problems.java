package dev.latchkey.error;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.vertx.ext.web.RoutingContext;

/**
 * The one writer of error answers, for the REST resources ({@link ProblemMapper}) and the Vert.x routes alike: RFC 9457
 * problem+json with the stable {@code code} and the request id (or another {@link ErrorShape} a feature registers for
 * its paths), and the same headers for every shape ({@link #headers}). Written with Jackson's streaming generator, so
 * nothing needs reflection (native images).
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final JsonFactory JSON = new JsonFactory();

    private Problems() {
    }

    /** The problem+json body of an error. */
    public static String json(ApiException e, String requestId) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "about:blank");
            g.writeStringField("title", e.title());
            g.writeNumberField("status", e.status());
            g.writeStringField("detail", e.getMessage());
            g.writeStringField("code", e.code());
            g.writeStringField("requestId", requestId);
            if (!e.errors().isEmpty()) {
                g.writeArrayFieldStart("errors");
                for (ApiException.FieldError f : e.errors()) {
                    g.writeStartObject();
                    g.writeStringField("field", f.field());
                    g.writeStringField("message", f.message());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out.toString();
    }

    /**
     * The headers every error answer carries, whatever its shape: {@code WWW-Authenticate: Bearer} on a 401,
     * {@code Retry-After} on a 503 (the database, not the request, is at fault).
     */
    public static void headers(ApiException e, java.util.function.BiConsumer<String, String> header) {
        if (e.status() == 401) {
            header.accept("WWW-Authenticate", "Bearer");
        }
        if (e.status() == 503) {
            header.accept("Retry-After", String.valueOf(ApiException.RETRY_AFTER_SECONDS));
        }
    }

    /** Ends a Vert.x route's request with the problem answer. */
    public static void send(RoutingContext ctx, ApiException e) {
        send(ctx, e, RequestIds.of(ctx.request()));
    }

    private static void send(RoutingContext ctx, ApiException e, String requestId) {
        var response = ctx.response().setStatusCode(e.status()).putHeader("Content-Type", MEDIA_TYPE)
                .putHeader(RequestIds.HEADER, requestId);
        headers(e, response::putHeader);
        response.end(json(e, requestId));
    }

    /** Ends a Vert.x route's request with a 400 {@code validation_failed} naming one field. */
    public static void invalid(RoutingContext ctx, String field, String message) {
        send(ctx, ApiException.invalid(field, message));
    }

    /**
     * The failure handler of the Vert.x routes: a body over the limit is 413, another 4xx from Vert.x a body it could
     * not read (400), and anything else a bug: logged, answered 500 without internals.
     */
    public static void failure(RoutingContext ctx) {
        ApiException known = ctx.failure() == null ? null : StatusMap.classify(ctx.failure());
        if (known != null) {
            send(ctx, known);
        } else if (ctx.statusCode() == 413) {
            send(ctx, ApiException.tooLarge("The request body is too large"));
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            send(ctx, ApiException.badRequest("malformed_json", "Unreadable body"));
        } else {
            String requestId = RequestIds.of(ctx.request());
            StatusMap.LOG.errorf(ctx.failure(), "Unexpected error on a Vert.x route, request %s", requestId);
            send(ctx, ApiException.internal(requestId), requestId);
        }
    }
}
