package dev.latchkey.common.http;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.Problems;
import dev.latchkey.vocabulary.Text;

/**
 * Refuses, before any other handler sees it, a request whose path or query (after percent-decoding) is not valid UTF-8
 * or holds a NUL character, or whose headers hold a NUL: such text would reach PostgreSQL as a lookup value and fail
 * there (a 500). Runs after the hot routes, which never pass path or query text to the database, and before Quarkus'
 * security filters and the REST layer.
 */
@Singleton
public class UnstorableInputFilter {

    void routes(@Observes Router router) {
        router.route().order(RouteOrder.UNSTORABLE_INPUT).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (!storableUri(ctx.request().uri())) {
            Problems.send(ctx, ApiException.badRequest("invalid_characters",
                    "The path or query holds a NUL character or bytes that are not UTF-8"));
            return;
        }
        for (Map.Entry<String, String> h : ctx.request().headers()) {
            if (h.getValue().indexOf(0) >= 0) {
                Problems.send(ctx, ApiException.badRequest("invalid_characters", "A header holds a NUL character"));
                return;
            }
        }
        ctx.next();
    }

    /**
     * Whether a raw request URI decodes (percent escapes as UTF-8 bytes) to storable text. A malformed escape is left
     * to the layers after this one, which answer 400 or 404 for it.
     */
    static boolean storableUri(String uri) {
        if (uri.indexOf('%') < 0) {
            return uri.indexOf(0) < 0;
        }
        String text = Text.percentDecode(uri, false, "");
        return text != null && !Text.unstorable(text);
    }
}
