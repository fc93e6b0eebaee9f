package dev.latchkey.bench;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's webhook receiver: {@code PORT}; answers every POST 204 at once and counts them; {@code GET /count}
 * tells how many arrived. A receiver as cheap as it gets, so the figures are Latchkey's.
 */
public final class WebhookSink {

    private WebhookSink() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong received = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 512);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            if (exchange.getRequestMethod().equals("GET")) {
                byte[] body = Long.toString(received.get()).getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                received.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
    }
}
