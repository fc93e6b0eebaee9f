package dev.latchkey.webhook.delivery;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.webhook.UrlPolicy;

/**
 * Sends one webhook request (README, "Webhooks"): to the address the URL policy checked, never a name resolved again
 * (the host still names the request, its TLS server name and certificate check); redirects are not followed; the whole
 * exchange, connect to last byte, is bounded by {@code latchkey.webhooks.timeout}; at most 1 KB of the answer is kept
 * and the rest is read and dropped.
 */
@Singleton
public class Sender {

    static final int KEPT_BODY = 1024;

    /** What a receiver answered, or why there was no answer. */
    public record Outcome(Integer status, int latencyMs, String body, String error) {
        public boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final long timeoutMillis;

    public Sender(Vertx vertx, LatchkeyConfig config) {
        this.vertx = vertx;
        this.timeoutMillis = config.webhooks().timeout().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(config.webhooks().concurrency())
                .setConnectTimeout((int) timeoutMillis).setForceSni(true).setVerifyHost(true).setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Posts {@code body} to {@code target} at {@code address}; never fails (a failure is an {@link Outcome}). */
    public Future<Outcome> post(UrlPolicy.Target target, InetAddress address, Map<String, String> headers,
            byte[] body) {
        long start = System.nanoTime();
        Promise<Outcome> done = Promise.promise();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
                .setPort(target.port()).setSsl(target.tls()).setURI(target.pathAndQuery()).setFollowRedirects(false)
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()));
        headers.forEach(options::putHeader);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = vertx.setTimer(timeoutMillis, t -> {
            if (done.tryComplete(
                    new Outcome(null, millisSince(start), null, "no answer within " + timeoutMillis + " ms"))) {
                HttpClientRequest r = sent.get();
                if (r != null) {
                    r.reset(); // the slow receiver's connection is closed, not left busy in the pool
                }
            }
        });
        client.request(options).compose(req -> {
            sent.set(req);
            return req.send(Buffer.buffer(body));
        }).onSuccess(resp -> {
            Buffer kept = Buffer.buffer();
            String note = resp.statusCode() >= 300 && resp.statusCode() < 400 ? "redirect not followed" : null;
            try {
                resp.handler(chunk -> {
                    int room = KEPT_BODY - kept.length();
                    if (room > 0) {
                        kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
                    }
                });
                resp.exceptionHandler(e -> done.tryComplete(new Outcome(resp.statusCode(), millisSince(start),
                        text(kept), "answer cut off: " + short_(e))));
                resp.endHandler(
                        v -> done.tryComplete(new Outcome(resp.statusCode(), millisSince(start), text(kept), note)));
            } catch (IllegalStateException ended) {
                // the whole answer arrived before this callback ran (the request was made outside the connection's
                // event loop, so the callback came later): the exchange is complete, its body is not kept. Left
                // uncaught, the delivery waited for the timeout and was sent again although it had arrived.
                done.tryComplete(new Outcome(resp.statusCode(), millisSince(start), null, note));
            }
        }).onFailure(e -> done.tryComplete(new Outcome(null, millisSince(start), null, short_(e))));
        return done.future().onComplete(r -> vertx.cancelTimer(timer));
    }

    private static String text(Buffer b) {
        // kept as text: NUL is the one character PostgreSQL text cannot hold
        return b.length() == 0 ? null : b.toString(java.nio.charset.StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
    }

    private static String short_(Throwable e) {
        String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return m.length() > 250 ? m.substring(0, 250) : m;
    }

    private static int millisSince(long startNanos) {
        return (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
