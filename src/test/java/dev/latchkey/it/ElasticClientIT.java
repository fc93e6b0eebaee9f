package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Elastic's official Node.js client ({@code @elastic/enterprise-search}, from the npm registry) drives the whole
 * credentials lifecycle against the packaged service, unchanged (src/test/js/elastic-client.js).
 */
class ElasticClientIT {

    static final Path CLIENT = Path.of("target/elastic-client");
    static final String PACKAGE = "@elastic/enterprise-search@8.18.0";

    static void run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        System.out.println(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    }

    @Test
    void theOfficialClientDrivesTheLifecycle() throws Exception {
        if (!Files.exists(CLIENT.resolve("node_modules/@elastic/enterprise-search"))) {
            Files.createDirectories(CLIENT);
            run(Map.of(), "npm", "install", "--prefix", CLIENT.toString(), "--no-audit", "--no-fund", "--silent",
                    PACKAGE);
        }
        try (ServiceProcess s = ServiceProcess.start("elastic-client",
                PostgresTestResource.recreate("latchkey_it_elastic"), Map.of())) {
            RestAssured.port = s.port;
            String owner = Api.unique("owner");
            String org = Api.org(owner);
            String t = Tokens.user(owner);
            for (String ws : List.of("my-first-engine", "my-second-engine")) {
                Api.as(t).body(Map.of("slug", ws, "name", ws)).post("/api/v1/orgs/" + org + "/workspaces").then()
                        .statusCode(201);
            }
            // "You must generate the first key on your own": through the native API
            String admin = Api.key(org, t, Map.of("kind", "admin", "name", "first-admin"))[1];
            run(Map.of("LATCHKEY_URL", s.baseUrl(), "ADMIN_KEY", admin, "NODE_PATH",
                    CLIENT.resolve("node_modules").toAbsolutePath().toString()), "node",
                    "src/test/js/elastic-client.js");
        } finally {
            RestAssured.reset();
        }
    }
}
