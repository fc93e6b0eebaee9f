package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Keys that come with their users, on the packaged service (README, "Importing keys"): an App Search deployment moved
 * with the migration tool (dry run, real run, re-run) from a stand-in serving its documented answers; the imported keys
 * verify on another replica through /verify, /authorize and gRPC, and Elastic's official client lists them with an
 * imported admin key; a foreign value never imported is refused with no statement reaching PostgreSQL (counted on the
 * wire); import by hash; a value refused across organizations without naming the other; and a revoke of an imported key
 * reaching the other replica as fast as a native one's.
 */
class ImportIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENGINES = List.of("national-parks", "recipes", "star-charts");

    static TcpProxy proxy;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_import");
        String[] hp = PostgresTestResource.hostPort().split(":");
        proxy = new TcpProxy(hp[0], Integer.parseInt(hp[1]), true);
        a = ServiceProcess.start("import-a", url, Map.of());
        // replica b reaches PostgreSQL through the proxy, which reads every statement it sends (hence no TLS)
        String viaProxy = url.replace(PostgresTestResource.hostPort(), "127.0.0.1:" + proxy.port);
        b = ServiceProcess.start("import-b", viaProxy + (viaProxy.contains("?") ? "&" : "?") + "sslmode=disable",
                Map.of("latchkey.verify.resync-interval", "1000H"));
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
        proxy.close();
        RestAssured.reset();
    }

    static String appSearch(String word) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder(word).append('-');
        for (int i = 0; i < 24; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static RequestSpecification on(ServiceProcess s) {
        return given().baseUri(s.baseUrl()).port(s.port).contentType("application/json");
    }

    private static String verify(ServiceProcess s, String key, Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>(more);
        body.put("key", key);
        return on(s).body(body).post("/verify").then().statusCode(200).extract().path("code");
    }

    private static JsonNode tool(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "src/scripts/appsearch-import"));
        cmd.addAll(List.of(args));
        String out = NodeScripts.run(env, cmd.toArray(String[]::new));
        return JSON.readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
    }

    @Test
    void anAppSearchDeploymentMovesInOneCommandAndItsKeysKeepWorking() throws Exception {
        RestAssured.port = a.port;
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String token = Tokens.user(owner);
        // 57 credentials: three pages of 25 at App Search's default size, all three types, engine subsets and all
        List<Map<String, Object>> creds = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            String type = i % 19 == 0 ? "admin" : i % 2 == 0 ? "private" : "search";
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", "key-" + i);
            c.put("key", appSearch(type));
            c.put("type", type);
            if (type.equals("private")) {
                c.put("read", true);
                c.put("write", i % 4 == 0);
            }
            if (!type.equals("admin")) {
                boolean all = i % 5 == 0;
                c.put("access_all_engines", all);
                if (!all) {
                    c.put("engines", List.of(ENGINES.get(i % 3)));
                }
            }
            creds.add(c);
        }
        String sourceAdmin = (String) creds.get(0).get("key");
        try (AppSearchStandIn appSearch = new AppSearchStandIn(creds, sourceAdmin)) {
            Map<String, String> env = Map.of("APP_SEARCH_URL", appSearch.url(), "APP_SEARCH_KEY", sourceAdmin,
                    "LATCHKEY_URL", a.baseUrl(), "LATCHKEY_TOKEN", token, "LATCHKEY_ORG", org);

            JsonNode dry = tool(env, "--page-size", "25");
            assertEquals("dry-run", dry.get("mode").asText());
            assertEquals(57, dry.get("credentials").asInt());
            assertEquals(3, appSearch.pagesServed, "every page read");
            assertEquals(ENGINES, strings(dry.get("workspaces").get("create")));
            assertEquals(57, dry.get("keys").get("import").size());
            Api.as(token).get("/api/v1/orgs/" + org + "/keys").then().statusCode(200).body("items.size()", is(0));
            Api.as(token).get("/api/v1/orgs/" + org + "/workspaces").then().body("items.size()", is(0));

            JsonNode run = tool(env, "--apply");
            assertEquals(57, run.get("done").get("imported").asInt());
            assertEquals(3, run.get("done").get("workspacesCreated").asInt());
            assertEquals(0, run.get("keys").get("refused").size());

            JsonNode again = tool(env, "--apply");
            assertEquals(0, again.get("keys").get("import").size(), "a re-run imports nothing");
            assertEquals(57, again.get("keys").get("existing").size());
            assertEquals(0, again.get("workspaces").get("create").size());
            assertEquals(0, again.get("done").get("imported").asInt());
            assertEquals(57, Api.as(token).get("/api/v1/orgs/" + org + "/keys?limit=200").then().extract().jsonPath()
                    .getList("items").size());
        }

        // on the other replica, each key answers as App Search's did: its type, read/write and engines
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", b.port).usePlaintext().build();
        try {
            var grpc = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            for (Map<String, Object> c : creds) {
                String key = (String) c.get("key");
                String type = (String) c.get("type");
                if (type.equals("admin")) {
                    assertEquals("FORBIDDEN", verify(b, key, Map.of()));
                    continue;
                }
                String permission = type.equals("search") ? "search" : "read";
                @SuppressWarnings("unchecked")
                List<String> engines = (List<String>) c.get("engines");
                String engine = engines == null ? ENGINES.get(2) : engines.get(0);
                Map<String, Object> asked = Map.of("workspace", engine, "permissions", List.of(permission));
                Awaitility.await(c.get("name") + " known to replica b").atMost(Duration.ofSeconds(10))
                        .until(() -> "VALID".equals(verify(b, key, asked)));
                if (engines != null) {
                    String other = ENGINES.stream().filter(e -> !e.equals(engine)).findFirst().orElseThrow();
                    assertEquals("FORBIDDEN", verify(b, key, Map.of("workspace", other)), "engines kept");
                }
                if (type.equals("private")) {
                    boolean write = (Boolean) c.get("write");
                    assertEquals(write ? "VALID" : "INSUFFICIENT_PERMISSIONS",
                            verify(b, key, Map.of("permissions", List.of("write"))), "read/write kept");
                }
                on(b).header("X-API-Key", key).header("X-Latchkey-Permission", permission)
                        .header("X-Latchkey-Workspace", engine).get("/authorize").then().statusCode(200);
                assertEquals(0, grpc.check(GrpcCheckIT.check(key)).getStatus().getCode(), "gRPC allows");
            }
        } finally {
            channel.shutdownNow();
        }

        // Elastic's official client lists them, signed in with an imported App Search admin key
        NodeScripts.install(ElasticClientIT.CLIENT, "@elastic/enterprise-search", "8.18.0");
        String listed = NodeScripts.run(
                Map.of("LATCHKEY_URL", b.baseUrl(), "ADMIN_KEY", sourceAdmin, "NODE_PATH",
                        ElasticClientIT.CLIENT.resolve("node_modules").toAbsolutePath().toString()),
                "node", Path.of("src/test/js/elastic-list.js").toString());
        JsonNode list = JSON.readTree(listed.substring(listed.indexOf('{'), listed.lastIndexOf('}') + 1));
        assertEquals(57, list.get("names").size());
        for (Map<String, Object> c : creds) {
            assertEquals(c.get("type"), list.get("types").get((String) c.get("name")).asText());
        }
    }

    @Test
    void aForeignValueNeverImportedIsRefusedWithoutAStatement() throws Exception {
        RestAssured.port = a.port;
        Api.Fixture o = Api.fixture();
        String value = appSearch("search");
        Api.as(o.token())
                .body(Map.of("keys",
                        List.of(Map.of("value", value, "kind", "service", "name", "s", "permissions", List.of("search"),
                                "scope", Api.wsScope(o.ws()))),
                        "origin", Map.of("system", "app-search")))
                .post("/api/v1/orgs/" + o.slug() + "/keys/import").then().statusCode(200);
        Awaitility.await("the import known to replica b").atMost(Duration.ofSeconds(10))
                .until(() -> "VALID".equals(verify(b, value, Map.of())));

        int mark = proxy.statements.mark();
        int n = 300;
        for (int i = 0; i < n; i++) {
            String never = i % 3 == 0 ? appSearch("search") : i % 3 == 1 ? "sk_live_" + appSearch("x") : value + "x";
            assertEquals("NOT_FOUND", verify(b, never, Map.of()));
            on(b).header("X-API-Key", never).get("/authorize").then().statusCode(401);
        }
        List<String> during = proxy.statements.since(mark);
        List<String> keyReads = during.stream().filter(s -> s.contains("secret_hash")).toList();
        System.out.printf(
                "%d foreign values never imported, %d answers: %d statements reached PostgreSQL, %d read" + " keys%n",
                n, 2 * n, during.size(), keyReads.size());
        assertEquals(List.of(), keyReads, "no key was read for a value never imported");

        // the control: a well-formed Latchkey key that is not cached is read, and the count sees it
        int control = proxy.statements.mark();
        String unknown = KeyFormat.format(KeyPrefix.SERVICE, "Q".repeat(15) + "R", "Q".repeat(43));
        assertEquals("NOT_FOUND", verify(b, unknown, Map.of()));
        assertTrue(proxy.statements.since(control).stream().anyMatch(s -> s.contains("secret_hash")),
                "a lookup is seen on the wire");
    }

    @Test
    void importByHashAValueRefusedAcrossOrganizationsWithoutNamingTheOtherAndTheExport() throws Exception {
        RestAssured.port = a.port;
        Api.Fixture x = Api.fixture();
        Api.Fixture y = Api.fixture();
        String value = "unkey_" + appSearch("k").substring(2);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes()));
        Api.as(x.token())
                .body(Map.of("keys",
                        List.of(Map.of("sha256", hex, "kind", "service", "name", "h", "role", "viewer", "scope",
                                Api.wsScope(x.ws()))),
                        "origin", Map.of("system", "unkey")))
                .post("/api/v1/orgs/" + x.slug() + "/keys/import").then().statusCode(200);
        Awaitility.await("known to replica b").atMost(Duration.ofSeconds(10))
                .until(() -> "VALID".equals(verify(b, value, Map.of())));
        String refused = on(b).header("Authorization", "Bearer " + y.token())
                .body(Map.of("keys",
                        List.of(Map.of("value", value, "kind", "service", "name", "v", "role", "viewer", "scope",
                                Api.wsScope(y.ws()))),
                        "origin", Map.of("system", "unkey")))
                .post("/api/v1/orgs/" + y.slug() + "/keys/import").then().statusCode(400).extract().asString();
        assertTrue(refused.contains("is already imported"), refused);
        assertFalse(refused.contains(x.slug()), "the other organization is not named");

        // leaving: the export names the key and where it came from, never its hash
        String export = on(b).header("Authorization", "Bearer " + x.token())
                .get("/api/v1/orgs/" + x.slug() + "/keys/export").then().statusCode(200)
                .contentType("application/jsonl").extract().asString();
        JsonNode line = JSON.readTree(export.trim());
        assertEquals("h", line.get("name").asText());
        assertEquals("unkey", line.get("origin").get("system").asText());
        assertFalse(export.contains(hex) || export.contains(value.substring(6)), "no hash, no value");
    }

    @Test
    void aRevokeOfAnImportedKeyReachesTheOtherReplicaAsFastAsANativeOne() throws Exception {
        RestAssured.port = a.port;
        Api.Fixture o = Api.fixture();
        long[] imported = new long[5];
        long[] nativeKeys = new long[5];
        for (int round = 0; round < 5; round++) {
            String value = appSearch("private");
            String importedId = Api.as(o.token())
                    .body(Map.of("keys",
                            List.of(Map.of("value", value, "kind", "service", "name", "i" + round, "role", "viewer",
                                    "scope", Api.wsScope(o.ws()))),
                            "origin", Map.of("system", "app-search")))
                    .post("/api/v1/orgs/" + o.slug() + "/keys/import").then().statusCode(200).extract()
                    .path("created[0].key.id");
            String[] nat = Api.key(o.slug(), o.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> "VALID".equals(verify(b, value, Map.of())) && "VALID".equals(verify(b, nat[1], Map.of())));
            imported[round] = revokeAndTime(o, importedId, value);
            nativeKeys[round] = revokeAndTime(o, nat[0], nat[1]);
        }
        java.util.Arrays.sort(imported);
        java.util.Arrays.sort(nativeKeys);
        System.out.printf("revoke on a -> REVOKED on b, median of 5: imported %d ms, native %d ms%n", imported[2],
                nativeKeys[2]);
        assertTrue(imported[4] < 3000 && nativeKeys[4] < 3000, "within the propagation bound");
    }

    private static long revokeAndTime(Api.Fixture o, String keyId, String key) {
        long start = System.nanoTime();
        Api.as(o.token()).post("/api/v1/orgs/" + o.slug() + "/keys/" + keyId + "/revoke").then().statusCode(200);
        Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                .until(() -> "REVOKED".equals(verify(b, key, Map.of())));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
