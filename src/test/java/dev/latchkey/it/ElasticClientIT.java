package dev.latchkey.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    @Test
    void theOfficialClientDrivesTheLifecycle() throws Exception {
        NodeScripts.install(CLIENT, "@elastic/enterprise-search", "8.18.0");
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
            NodeScripts.run(
                    Map.of("LATCHKEY_URL", s.baseUrl(), "ADMIN_KEY", admin, "NODE_PATH",
                            CLIENT.resolve("node_modules").toAbsolutePath().toString()),
                    "node", "src/test/js/elastic-client.js");
        } finally {
            RestAssured.reset();
        }
    }
}
