package dev.latchkey.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The tests' webhook receiver (src/test/js/webhook-receiver.js): a Node.js process that verifies every delivery with
 * the Standard Webhooks reference library, standardwebhooks 1.1.1 from npm, and records it. A receiver outside our
 * control is what webhooks talk to, so the check is the library's, not ours.
 */
public final class WebhookReceiver implements AutoCloseable {

    static final Path MODULES = Path.of("target/node-webhooks");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private WebhookReceiver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Installs the library (once) and starts a receiver on a free port. */
    public static WebhookReceiver start() throws Exception {
        return start(0);
    }

    /** The port this receiver listens on (a receiver started again on it is the same URL). */
    public int port() {
        return port;
    }

    /** Installs the library (once) and starts a receiver on {@code port} (0: a free one). */
    public static WebhookReceiver start(int port) throws Exception {
        if (!Files.exists(MODULES.resolve("node_modules/standardwebhooks"))) {
            Files.createDirectories(MODULES);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", MODULES.toString(), "--no-audit",
                    "--no-fund", "--silent", "standardwebhooks@1.1.1").redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes());
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm install standardwebhooks failed: " + out);
            }
        }
        ProcessBuilder pb = new ProcessBuilder("node", "src/test/js/webhook-receiver.js").redirectErrorStream(true);
        pb.environment().put("NODE_PATH", MODULES.resolve("node_modules").toAbsolutePath().toString());
        pb.environment().put("PORT", Integer.toString(port));
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening ")) {
            p.destroyForcibly();
            throw new IllegalStateException("webhook receiver did not start: " + line);
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("[receiver] " + l)));
        drain.setDaemon(true);
        drain.start();
        return new WebhookReceiver(p, Integer.parseInt(line.substring("listening ".length()).strip()));
    }

    /** The URL of a path on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /**
     * Receives on {@code path}, verifying with any of {@code secrets}; answers {@code status} after {@code delayMs}.
     */
    public void endpoint(String path, List<String> secrets, int status, int delayMs) throws Exception {
        post("/_control/endpoint", Map.of("path", path, "secrets", secrets, "status", status, "delayMs", delayMs));
    }

    /** Receives on {@code path} and answers {@code status} (a 3xx) with {@code Location: location}. */
    public void redirecting(String path, List<String> secrets, int status, String location) throws Exception {
        post("/_control/endpoint",
                Map.of("path", path, "secrets", secrets, "status", status, "delayMs", 0, "location", location));
    }

    /** The sender's clock is {@code offsetMs} ahead of the real one (the library checks timestamps against it). */
    public void clockOffset(long offsetMs) throws Exception {
        post("/_control/clock", Map.of("offsetMs", offsetMs));
    }

    /** What arrived on {@code path}, in arrival order: id, timestamp, type, keyId, verified, error, status. */
    public List<Map<String, Object>> received(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url("/_control/received?path=" + path))).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readValue(r.body(), new TypeReference<>() {
        });
    }

    private void post(String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
