package dev.latchkey.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an App Search deployment's Credentials API as its documentation shows it: {@code GET
 * /api/as/v1/credentials} with {@code page[current]} and {@code page[size]} (default 25), a private admin key as
 * bearer, answers {@code {meta: {page: {current, total_pages, total_results, size}}, results: [...]}} with full key
 * values.
 */
final class AppSearchStandIn implements AutoCloseable {

    private final HttpServer server;
    private final List<Map<String, Object>> credentials;
    private final String adminKey;
    private final ObjectMapper json = new ObjectMapper();
    volatile int pagesServed;

    AppSearchStandIn(List<Map<String, Object>> credentials, String adminKey) throws IOException {
        this.credentials = credentials;
        this.adminKey = adminKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/as/v1/credentials", this::list);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void list(HttpExchange x) throws IOException {
        if (!("Bearer " + adminKey).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            send(x, 401, json.createObjectNode().set("error", json.getNodeFactory().textNode("Invalid credentials")));
            return;
        }
        Map<String, String> q = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        int current = Integer.parseInt(q.getOrDefault("page[current]", "1"));
        int size = Integer.parseInt(q.getOrDefault("page[size]", "25"));
        int total = credentials.size();
        ObjectNode out = json.createObjectNode();
        ObjectNode page = out.putObject("meta").putObject("page");
        page.put("current", current);
        page.put("total_pages", (total + size - 1) / size);
        page.put("total_results", total);
        page.put("size", size);
        ArrayNode results = out.putArray("results");
        for (int i = (current - 1) * size; i < Math.min(total, current * size); i++) {
            results.add(json.valueToTree(credentials.get(i)));
        }
        pagesServed++;
        send(x, 200, out);
    }

    private void send(HttpExchange x, int status, ObjectNode body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
