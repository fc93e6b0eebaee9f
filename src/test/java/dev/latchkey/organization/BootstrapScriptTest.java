package dev.latchkey.organization;

import static dev.latchkey.support.Api.as;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/**
 * First use without an identity provider (README "First organization"): a token minted by src/scripts/mint-token with
 * the operator's key pair is accepted, only --admin may create an organization, and a token signed by another key is
 * refused.
 */
@QuarkusTest
class BootstrapScriptTest {

    private static String mint(String subject, String key, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of("bash", "src/scripts/mint-token", subject, "--key", key, "--issuer", Tokens.ISSUER));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), "mint-token failed");
        return out;
    }

    @Test
    void mintedAdminTokenCreatesTheFirstOrganizationAndKey() throws Exception {
        String key = "src/test/resources/test-jwt/privateKey.pem";
        String root = mint("root", key, "--admin", "--ttl", "300");
        as(root).get("/api/v1/me").then().statusCode(200).body("subject", is("root")).body("platformAdmin", is(true));

        String slug = Api.unique("first");
        as(root).body(Map.of("slug", slug, "name", "First", "owner", "alice")).post("/api/v1/orgs").then()
                .statusCode(201).body("slug", is(slug));
        String alice = mint("alice", key);
        as(alice).body(Map.of("slug", "main", "name", "Main")).post("/api/v1/orgs/" + slug + "/workspaces").then()
                .statusCode(201);
        as(alice)
                .body(Map.of("kind", "service", "role", "viewer", "scope",
                        Map.of("type", "workspace", "workspace", "main")))
                .post("/api/v1/orgs/" + slug + "/keys").then().statusCode(201);

        // without --admin: a user, not a platform admin
        as(alice).body(Map.of("slug", Api.unique("x"), "name", "X", "owner", "alice")).post("/api/v1/orgs").then()
                .statusCode(403);
        // signed by a key the service does not trust
        String forged = mint("root", "src/test/resources/test-jwt/otherPrivateKey.pem", "--admin");
        as(forged).get("/api/v1/me").then().statusCode(401);
    }
}
