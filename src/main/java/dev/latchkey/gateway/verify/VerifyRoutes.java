package dev.latchkey.gateway.verify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.latchkey.common.http.RouteBodyLimit;
import dev.latchkey.common.http.RouteOrder;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.Problems;
import dev.latchkey.gateway.PresentedKey;
import dev.latchkey.gateway.VerifyJson;
import dev.latchkey.verify.ClientIp;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.VerifyRequest;
import dev.latchkey.verify.VerifyService;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.Permissions;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * {@code POST /verify}: a plain Vert.x route on the event loop (no JAX-RS layer on the hottest path). Any well-formed
 * request answers 200 with {@code valid} and {@code code}; 400 for a malformed body or no key; 503 when the answer
 * needs the database and it is down.
 */
@ApplicationScoped
public class VerifyRoutes implements RouteBodyLimit {

    /** Largest /verify body (a request is a key and a few fields); larger answers 413 (common/http/BodySizeRoute). */
    public static final int MAX_BODY = 16 * 1024;

    private final VerifyService verify;
    private final VerifyJson json;
    private final ClientIp clientIp;
    private final ObjectMapper mapper;

    public VerifyRoutes(VerifyService verify, VerifyJson json, ClientIp clientIp, ObjectMapper mapper) {
        this.verify = verify;
        this.json = json;
        this.clientIp = clientIp;
        this.mapper = mapper;
    }

    @Override
    public String path() {
        return "/verify";
    }

    @Override
    public long maxBytes() {
        return MAX_BODY;
    }

    void routes(@Observes Router router) {
        router.post("/verify").order(RouteOrder.HOT + 2).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
                .handler(this::handle).failureHandler(Problems::failure);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Buffer body = ctx.body().buffer();
        JsonNode node;
        try {
            node = body == null || body.length() == 0 ? mapper.createObjectNode() : mapper.readTree(body.getBytes());
        } catch (Exception e) {
            Problems.send(ctx, ApiException.badRequest("malformed_json", "The body is not valid JSON"));
            return;
        }
        if (node == null || !node.isObject()) {
            Problems.send(ctx, ApiException.badRequest("malformed_json", "The body must be a JSON object"));
            return;
        }
        String key = null;
        String workspace = null;
        List<String> permissions = null;
        byte[] ip = null;
        String method = null;
        String path = null;
        long cost = 1;
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            JsonNode v = node.get(field);
            switch (field) {
            case "key" -> {
                if (!v.isTextual()) {
                    Problems.invalid(ctx, "key", "must be a string");
                    return;
                }
                key = v.textValue();
            }
            case "workspace" -> {
                if (!v.isTextual() && !v.isNull()) {
                    Problems.invalid(ctx, "workspace", "must be a string");
                    return;
                }
                workspace = v.isNull() ? null : v.textValue();
            }
            case "permissions" -> {
                if (!v.isArray() || v.size() > Permissions.MAX_COUNT) {
                    Problems.invalid(ctx, "permissions",
                            "must be an array of at most " + Permissions.MAX_COUNT + " strings");
                    return;
                }
                permissions = new ArrayList<>(v.size());
                for (JsonNode p : v) {
                    if (!p.isTextual() || !Permissions.isValid(p.textValue())) {
                        Problems.invalid(ctx, "permissions", "each must be a permission such as documents:read");
                        return;
                    }
                    permissions.add(p.textValue());
                }
            }
            case "method", "path" -> { // the original request, for keys with route rules
                if (!v.isTextual() || v.textValue().length() > 8192) {
                    Problems.invalid(ctx, field, "must be a string of at most 8192 characters");
                    return;
                }
                if (field.equals("method")) {
                    method = v.textValue();
                } else {
                    path = v.textValue();
                }
            }
            case "cost" -> { // quota units this call spends (0: only check that one is left)
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0
                        || v.longValue() > VerifyRequest.MAX_COST) {
                    Problems.invalid(ctx, "cost", "must be an integer from 0 to " + VerifyRequest.MAX_COST);
                    return;
                }
                cost = v.longValue();
            }
            case "ip" -> {
                ip = v.isTextual() ? Cidr.literal(v.textValue()) : null;
                if (ip == null) {
                    Problems.invalid(ctx, "ip", "must be an IPv4 or IPv6 address");
                    return;
                }
            }
            default -> {
                Problems.invalid(ctx, field, "unknown field");
                return;
            }
            }
        }
        if (key == null) {
            key = PresentedKey.fromHeaders(req);
        }
        if (key == null || key.isEmpty()) {
            Problems.send(ctx, ApiException.badRequest("missing_key",
                    "Send the key in the body, in Authorization: Bearer, or in X-API-Key"));
            return;
        }
        byte[] given = ip;
        VerifyRequest.Address address = given != null ? () -> given : clientIp.of(req);
        String m = method;
        String p = path;
        VerifyRequest.Original original = m == null && p == null ? VerifyRequest.NO_ORIGINAL
                : new VerifyRequest.Original() {
                    @Override
                    public String method() {
                        return m;
                    }

                    @Override
                    public String path() {
                        return p;
                    }
                };
        verify.verify(new VerifyRequest(key, workspace, permissions, address, original, cost),
                VerifyMetrics.Endpoint.VERIFY).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(500, ar.cause());
                        return;
                    }
                    Decision d = ar.result();
                    var res = ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control",
                            "no-store");
                    if (d.code() == VerifyCode.UNAVAILABLE) {
                        res.setStatusCode(503).putHeader("Retry-After",
                                String.valueOf(ApiException.RETRY_AFTER_SECONDS));
                    }
                    res.end(json.write(d));
                });
    }

}
