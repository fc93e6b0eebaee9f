package dev.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * Generated hostile requests over every operation of the service's own OpenAPI document (plus the hot routes): valid
 * requests mutated — wrong types, nulls, dropped and unknown fields, NUL and surrogate escapes, huge numbers and
 * instants, deep nesting, duplicates, truncated and non-JSON bodies, odd path segments and query values, wrong or
 * missing credentials and content types. None may answer 5xx; afterwards the service is ready and its log holds no full
 * key. Deterministic: a fixed seed ({@code -Dfuzz.seed}), {@code -Dfuzz.requests} to run more.
 */
@QuarkusTest
class ApiFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    /** A full key of any prefix (README, "Key format"): prefix, 16 + 43 + 6 base62 characters. */
    private static final Pattern FULL_KEY = Pattern.compile("(lk[psa]_|private-|search-|admin-)[0-9A-Za-z]{65}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One operation of the API: method, path template, declared query parameters, body schema (or null). */
    record Operation(String method, String path, List<String> query, JsonNode body) {
    }

    private final Map<String, List<String>> pathValues = new ConcurrentHashMap<>();
    private List<String> credentials;
    private JsonNode schemas;

    @Test
    void noGeneratedRequestGetsA5xx() throws Exception {
        List<Operation> ops = operations();
        assertTrue(ops.size() >= 25, "operations found in the OpenAPI document: " + ops.size());
        setUp();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://localhost:" + RestAssured.port;
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SplittableRandom random = new SplittableRandom(SEED + t);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS / 4; i++) {
                        HttpRequest req = request(base, ops.get(random.nextInt(ops.size())), random);
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                            if (r.statusCode() >= 500) {
                                failures.add(r.statusCode() + " " + req.method() + " " + req.uri() + " -> " + r.body());
                            }
                        } catch (IOException e) {
                            failures.add("I/O " + req.method() + " " + req.uri() + ": " + e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("fuzz: %d requests over %d operations in %d ms, seed %d, statuses %s%n", total, ops.size(),
                ms, SEED, new java.util.TreeMap<>(statuses));
        assertEquals(REQUESTS, total + failures.stream().filter(f -> f.startsWith("I/O")).count());
        assertEquals(List.of(), failures.size() > 20 ? failures.subList(0, 20) : failures);
        RestAssured.get("/q/health/ready").then().statusCode(200);
        Path log = Path.of("target/latchkey-test.log");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        java.util.regex.Matcher leaked = FULL_KEY.matcher(text);
        boolean found = leaked.find();
        assertTrue(!found, found ? "a full key appears in " + log + " at offset " + leaked.start() : "");
    }

    private List<Operation> operations() throws IOException {
        JsonNode doc = JSON.readTree(RestAssured.get("/q/openapi?format=json").asString());
        schemas = doc.path("components").path("schemas");
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").properties().iterator(); paths
                .hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = p.getValue().properties().iterator(); methods
                    .hasNext();) {
                Map.Entry<String, JsonNode> m = methods.next();
                List<String> query = new ArrayList<>();
                m.getValue().path("parameters").forEach(param -> {
                    if ("query".equals(param.path("in").asText())) {
                        query.add(param.path("name").asText());
                    }
                });
                JsonNode body = m.getValue().path("requestBody").path("content").path("application/json")
                        .path("schema");
                ops.add(new Operation(m.getKey().toUpperCase(), p.getKey(), query, body.isMissingNode() ? null : body));
            }
        }
        // the hot routes are Vert.x routes, outside the document
        ops.add(new Operation("POST", "/verify", List.of(), JSON.createObjectNode().put("$ref", "#verify")));
        ops.add(new Operation("GET", "/authorize", List.of("mode", "permission", "workspace"), null));
        ops.add(new Operation("GET", "/authorize/{rest}", List.of(), null));
        return ops;
    }

    private void setUp() {
        Api.Team team = Api.team(Map.of("orgRole", "member", "role", "editor"));
        String org = team.slug();
        String ot = team.ownerToken();
        String ws = team.ws();
        String owner = team.owner();
        String member = team.member();
        String[] service = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
        String[] admin = Api.key(org, ot, Map.of("kind", "admin"));
        Api.as(ot).body(Map.of("name", "fuzzrole", "permissions", List.of("read")))
                .post("/api/v1/orgs/" + org + "/roles");
        Api.as(admin[1]).body(Map.of("name", "fuzz-elastic", "type", "private", "read", true, "write", true,
                "access_all_engines", true)).post("/api/as/v1/credentials");
        pathValues.put("org", List.of(org, "no-such-org"));
        pathValues.put("ws", List.of(ws, "nope"));
        pathValues.put("workspace", List.of(ws, "nope"));
        pathValues.put("keyId", List.of(service[0], admin[0], "AAAAAAAAAAAAAAAA"));
        pathValues.put("role", List.of("fuzzrole", "viewer", "nope"));
        pathValues.put("subject", List.of(member, owner, "someone-else"));
        pathValues.put("name", List.of("fuzz-elastic", "nope"));
        pathValues.put("key", List.of(service[1]));
        credentials = List.of(ot, team.memberToken(), admin[1], service[1], Tokens.platformAdmin("platform-root"),
                "garbage", "");
    }

    private HttpRequest request(String base, Operation op, SplittableRandom r) {
        StringBuilder path = new StringBuilder();
        for (String segment : op.path().split("/", -1)) {
            if (!path.isEmpty() || !segment.isEmpty()) {
                path.append('/');
            }
            if (segment.startsWith("{")) {
                String name = segment.substring(1, segment.length() - 1);
                path.append(r.nextInt(4) == 0 ? FuzzValues.hostileSegment(r)
                        : FuzzValues.pick(r, pathValues.getOrDefault(name, List.of("x"))));
            } else {
                path.append(segment);
            }
        }
        if (path.length() > 1 && path.charAt(0) == '/' && path.charAt(1) == '/') {
            path.deleteCharAt(0);
        }
        StringBuilder query = new StringBuilder();
        for (String q : op.query()) {
            if (r.nextBoolean()) {
                query.append(query.isEmpty() ? '?' : '&').append(FuzzValues.encodeName(q)).append('=')
                        .append(FuzzValues.queryValue(r));
            }
        }
        if (r.nextInt(20) == 0) {
            query.append(query.isEmpty() ? '?' : '&').append(FuzzValues.hostileSegment(r)).append('=')
                    .append(FuzzValues.queryValue(r));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + query)).timeout(Duration.ofSeconds(30));
        // mostly the owner, so that most requests get past authentication to the body and parameters
        String credential = r.nextInt(10) < 6 ? credentials.get(0) : FuzzValues.pick(r, credentials);
        if (!credential.isEmpty()) {
            b.header(r.nextInt(10) == 0 ? "X-API-Key" : "Authorization",
                    r.nextInt(10) == 0 ? credential : "Bearer " + credential);
        }
        if (r.nextInt(10) == 0) {
            b.header("X-Request-Id", FuzzValues.headerValue(r));
        }
        String body = null;
        if (op.body() != null || r.nextInt(10) == 0) {
            body = FuzzBodies.generate(r, op.body(), schemas, pathValues);
        }
        String type = r.nextInt(12) == 0
                ? FuzzValues.pick(r,
                        List.of("text/plain", "application/xml", "application/json; charset=latin1", "*/*"))
                : "application/json";
        b.header("Content-Type", type);
        String method = r.nextInt(40) == 0
                ? FuzzValues.pick(r, List.of("GET", "PUT", "PATCH", "DELETE", "POST", "HEAD", "OPTIONS")) : op.method();
        if (method.equals("HEAD")) {
            b.method("HEAD", HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return b.build();
    }
}
