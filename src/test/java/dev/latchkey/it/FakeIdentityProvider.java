package dev.latchkey.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenID provider for the console's SSO test — the identity provider is outside Latchkey, so a double stands in:
 * discovery, an authorization endpoint that redirects back with a code (client id, S256 challenge and redirect URI
 * checked), and a token endpoint that gives the prepared token only for the verifier matching the challenge (CORS for
 * the console's origin, as a provider configured for a public browser client does).
 */
final class FakeIdentityProvider implements AutoCloseable {

    private record Pending(String challenge, String redirectUri) {
    }

    private final HttpServer server;
    private final String clientId;
    private final String token;
    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    private final AtomicInteger codesIssued = new AtomicInteger();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile String origin = "";

    FakeIdentityProvider(String clientId, String token) throws IOException {
        this.clientId = clientId;
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration",
                ex -> send(ex, 200,
                        "{\"issuer\":\"" + url() + "\",\"authorization_endpoint\":\"" + url()
                                + "/authorize\",\"token_endpoint\":\"" + url()
                                + "/token\",\"code_challenge_methods_supported\":[\"S256\"]}"));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void allowOrigin(String origin) {
        this.origin = origin;
    }

    int codesIssued() {
        return codesIssued.get();
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
                || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                || q.get("state") == null || !q.getOrDefault("redirect_uri", "").equals(origin + "/console/callback")) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Pending(q.get("code_challenge"), q.get("redirect_uri")));
        codesIssued.incrementAndGet();
        ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", origin);
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Pending p = codes.remove(f.getOrDefault("code", ""));
        if (p == null || !"authorization_code".equals(f.get("grant_type")) || !clientId.equals(f.get("client_id"))
                || !p.redirectUri().equals(f.get("redirect_uri"))
                || !p.challenge().equals(s256(f.get("code_verifier")))) {
            send(ex, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        tokensIssued.incrementAndGet();
        send(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    private static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            return "";
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int i = pair.indexOf('=');
                if (i > 0) {
                    m.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (!ex.getResponseHeaders().containsKey("Access-Control-Allow-Origin")) {
            ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
