package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;
import dev.latchkey.support.WebhookReceiver;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium}), driven by {@code playwright-core} from npm,
 * against the packaged service: src/test/js/console-test.mjs signs in with a token through a deep link, creates a
 * workspace and an organization key through the dialog, copies, reloads (masked), edits, rotates, revokes, reads the
 * audit log and a usage chart with data, deletes, checks what a member is offered, the keyboard and a 360 px screen,
 * members and roles, signs in with SSO (authorization code + PKCE against {@link FakeIdentityProvider}), and fails on
 * any script error, CSP violation or request leaving the service. Screenshots: target/console-screenshots.
 */
class ConsoleIT {

    static final Path TOOLS = Path.of("target/console-test");
    static final Path SHOTS = Path.of("target/console-screenshots");

    @Test
    void theConsoleWorksInARealBrowser() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Debian's chromium (src/scripts/test installs it)");
        NodeScripts.install(TOOLS, "playwright-core", "1.64.1");
        NodeScripts.install(TOOLS, "axe-core", "4.14.1");
        Files.createDirectories(SHOTS);
        String db = PostgresTestResource.recreate("latchkey_it_console");
        try (FakeIdentityProvider idp = new FakeIdentityProvider("latchkey-console", Tokens.user("carol@example.com"));
                WebhookReceiver receiver = WebhookReceiver.start();
                ServiceProcess s = ServiceProcess.start("console", db,
                        Map.of("latchkey.webhooks.allow-http", "true", "latchkey.webhooks.allowed-networks",
                                "127.0.0.1/32"));
                ServiceProcess sso = ServiceProcess.start("console-sso", db, Map.of("latchkey.console.oidc-issuer",
                        idp.url(), "latchkey.console.oidc-client-id", "latchkey-console"))) {
            idp.allowOrigin(sso.baseUrl());
            RestAssured.port = s.port;
            String owner = "alice@example.com";
            String org = Api.org(owner);
            String ownerToken = Tokens.user(owner);
            String ws = Api.workspace(org, ownerToken);
            Api.workspace(org, ownerToken);
            Api.member(org, ownerToken, "bob@example.com", Map.of("orgRole", "member", "role", "viewer"));
            Api.member(org, ownerToken, "carol@example.com", Map.of("orgRole", "admin"));
            // a key with usage for the chart: 7 allowed and 3 denied calls
            String[] used = Api.key(org, ownerToken,
                    Map.of("kind", "service", "name", "ingest", "role", "viewer", "scope", Api.wsScope(ws)));
            for (int i = 0; i < 10; i++) {
                Map<String, Object> body = i < 7 ? Map.of("key", used[1])
                        : Map.of("key", used[1], "permissions", List.of("admin:everything"));
                RestAssured.given().contentType("application/json").body(body).post("/verify").then().statusCode(200);
            }
            Awaitility.await("usage flushed").atMost(Duration.ofSeconds(20)).until(() -> {
                List<Integer> valid = Api.as(ownerToken).get("/api/v1/orgs/" + org + "/keys/" + used[0] + "/usage")
                        .then().extract().path("items.counts.VALID");
                return valid != null && valid.stream().filter(java.util.Objects::nonNull).mapToInt(x -> x).sum() == 7;
            });
            Map<String, String> env = new java.util.HashMap<>();
            env.put("BASE_URL", s.baseUrl());
            env.put("ORG", org);
            env.put("WS", ws);
            env.put("OWNER_TOKEN", ownerToken);
            env.put("MEMBER_TOKEN", Tokens.user("bob@example.com"));
            env.put("EXPIRED_TOKEN", Tokens.expired(owner));
            env.put("USAGE_KEY_ID", used[0]);
            env.put("USAGE_VALID", "7");
            env.put("USAGE_DENIED", "3");
            env.put("SHOTS", SHOTS.toAbsolutePath().toString());
            env.put("TOOLS", TOOLS.toAbsolutePath().toString());
            env.put("OIDC_BASE_URL", sso.baseUrl());
            env.put("IDP_URL", idp.url());
            env.put("RECEIVER_URL", receiver.url(""));
            NodeScripts.run(env, "node", "src/test/js/console-test.mjs");
            assertEquals(1, idp.codesIssued(), "one authorization request, with an S256 challenge");
            assertEquals(1, idp.tokensIssued(), "one code exchanged, its verifier matching the challenge");
            for (String png : List.of("sign-in", "create-api-key", "new-key-once", "workspace-keys",
                    "organization-keys", "audit-log", "key-usage", "keys-360px", "members", "add-webhook",
                    "webhook-deliveries")) {
                assertTrue(Files.size(SHOTS.resolve(png + ".png")) > 5_000, png + ".png saved");
            }
        } finally {
            RestAssured.reset();
        }
    }

    /** Swagger UI is part of the production build (the packaged jar, the native executable), not only of dev mode. */
    @Test
    void swaggerUiRendersTheApiInARealBrowser() throws Exception {
        NodeScripts.install(TOOLS, "playwright-core", "1.64.1");
        Files.createDirectories(SHOTS);
        String db = PostgresTestResource.recreate("latchkey_it_swagger");
        try (ServiceProcess s = ServiceProcess.start("swagger-ui", db, Map.of())) {
            String out = NodeScripts.run(Map.of("BASE_URL", s.baseUrl(), "SHOTS", SHOTS.toAbsolutePath().toString(),
                    "TOOLS", TOOLS.toAbsolutePath().toString()), "node", "src/test/js/swagger-ui-test.mjs");
            assertTrue(out.contains("operations rendered"), out);
            assertTrue(Files.size(SHOTS.resolve("swagger-ui.png")) > 5_000, "swagger-ui.png saved");
            // byte for byte the document this build wrote (the native executable holds it in its image heap)
            for (String format : List.of("JSON", "YAML")) {
                HttpResponse<byte[]> r = Http.CLIENT.send(
                        HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/openapi?format=" + format)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), format);
                assertArrayEquals(storedOpenApi(format), r.body(), format);
            }
        }
    }

    /** The OpenAPI document Quarkus wrote at build time, from the jar the process under test was made from. */
    static byte[] storedOpenApi(String format) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus/generated-bytecode.jar");
        if (ServiceProcess.nativeImage()) {
            Path runner = Path.of(System.getProperty("native.image.path"));
            String name = runner.getFileName().toString();
            jar = runner.resolveSibling(name.replaceFirst("-runner$", "-native-image-source-jar"))
                    .resolve(name + ".jar");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getInputStream(zip.getEntry("META-INF/quarkus-generated-openapi-doc." + format)).readAllBytes();
        }
    }
}
