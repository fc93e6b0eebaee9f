package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import dev.latchkey.support.PostgresTestResource;

/**
 * A real Caddy (Debian's caddy 2.6) with {@code forward_auth} in front of an upstream, asking the packaged Latchkey,
 * configured by the file shipped in src/main/kubernetes/caddy/ with only the addresses filled in: a valid key passes
 * with the identity headers copied upstream (and its secret not); 401, 403 and 429 reach the client as Latchkey sent
 * them; route rules are checked against the method and URI Caddy reports; what a client sends to choose its own
 * workspace, permission, original URI or identity changes nothing.
 */
class CaddyGatewayIT {

    static ServiceProcess latchkey;
    static Process caddy;
    static Path dir = Path.of("target/caddy-it").toAbsolutePath();
    static int caddyPort;

    @BeforeAll
    static void start() throws Exception {
        latchkey = ServiceProcess.start("caddy-it", PostgresTestResource.recreate("latchkey_it_caddy"), Map.of());
        caddyPort = ServiceProcess.freePort();
        int echoPort = ServiceProcess.freePort();
        Files.createDirectories(dir);
        String shipped = Files.readString(Path.of("src/main/kubernetes/caddy/Caddyfile"))
                .replace("LATCHKEY_ADDR", "127.0.0.1:" + latchkey.port).replace("LISTEN_ADDR", "127.0.0.1:" + caddyPort)
                .replace("UPSTREAM_ADDR", "127.0.0.1:" + echoPort);
        // the protected application: echoes what the gateway forwarded
        String echo = """

                http://127.0.0.1:%d {
                	respond "upstream key={header.X-Latchkey-Key-Id} org={header.X-Latchkey-Organization} actor={header.X-Latchkey-Actor} perms={header.X-Latchkey-Permissions} secret={header.X-API-Key}{header.Authorization}"
                }
                """
                .formatted(echoPort);
        Files.writeString(dir.resolve("Caddyfile"), shipped + echo);
        ProcessBuilder pb = new ProcessBuilder("caddy", "run", "--config", dir.resolve("Caddyfile").toString(),
                "--adapter", "caddyfile").redirectErrorStream(true).redirectOutput(dir.resolve("caddy.log").toFile());
        // Caddy keeps its state under the XDG directories: inside target/, not the user's home
        pb.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        caddy = pb.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!caddy.isAlive()) {
                throw new IllegalStateException("caddy exited: " + Files.readString(dir.resolve("caddy.log")));
            }
            return listening(caddyPort) && listening(echoPort);
        });
        RestAssured.port = latchkey.port;
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (caddy != null) {
            caddy.destroy();
            caddy.waitFor(10, TimeUnit.SECONDS);
        }
        if (latchkey != null) {
            latchkey.close();
        }
        RestAssured.reset();
    }

    static RequestSpecification viaCaddy() {
        return given().baseUri("http://127.0.0.1").port(caddyPort);
    }

    @Test
    void caddyAllowsForwardsAndDenies() {
        ShopKeys shop = ShopKeys.create();
        String org = shop.org();
        String[] reader = shop.reader();
        String[] other = shop.other();
        String[] limited = shop.limited();
        String routedKey = shop.routed()[1];

        // allowed: the upstream sees the identity Latchkey sent, not the secret, not what the client claimed
        viaCaddy().header("X-API-Key", reader[1]).get("/shop/products").then().statusCode(200)
                .body(equalTo("upstream key=" + reader[0] + " org=" + org + " actor=shop-reader perms=read secret="));
        viaCaddy().header("Authorization", "Bearer " + reader[1]).header("X-Latchkey-Actor", "someone-else")
                .header("X-Latchkey-Permissions", "*").get("/shop/products").then().statusCode(200)
                .body(endsWith("actor=shop-reader perms=read secret="));
        // 401: no key, unknown key — Latchkey's answer as it sent it
        viaCaddy().get("/shop/products").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .header("X-Latchkey-Code", "NOT_FOUND").body(containsString("\"code\":\"NOT_FOUND\""));
        viaCaddy().header("X-API-Key", "lks_garbage").get("/shop/products").then().statusCode(401);
        // 403: a write needs write (a client asking for less changes nothing), another workspace (same)
        viaCaddy().header("X-API-Key", reader[1]).post("/shop/products").then().statusCode(403)
                .header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        viaCaddy().header("X-API-Key", reader[1]).header("X-Latchkey-Permission", "read").post("/shop/products").then()
                .statusCode(403).header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        viaCaddy().header("X-API-Key", other[1]).get("/shop/products").then().statusCode(403).header("X-Latchkey-Code",
                "FORBIDDEN");
        viaCaddy().header("X-API-Key", reader[1]).header("X-Latchkey-Workspace", "shop").get("/elsewhere/products")
                .then().statusCode(403).header("X-Latchkey-Code", "FORBIDDEN");
        // 429 + Retry-After reach the client (Caddy passes any non-2xx answer through)
        viaCaddy().header("X-API-Key", limited[1]).get("/shop/products").then().statusCode(200);
        viaCaddy().header("X-API-Key", limited[1]).get("/shop/products").then().statusCode(429)
                .header("X-Latchkey-Code", "RATE_LIMITED").header("Retry-After", notNullValue());
        // route rules: the method and URI Caddy reports (X-Forwarded-Method/-Uri, set by Caddy); a client's own
        // X-Original-URI (which Latchkey would read first, as nginx's) and X-Forwarded-Uri change nothing
        viaCaddy().header("X-API-Key", routedKey).get("/shop/products/7").then().statusCode(200);
        viaCaddy().header("X-API-Key", routedKey).get("/shop/orders").then().statusCode(403).header("X-Latchkey-Code",
                "ROUTE_NOT_ALLOWED");
        viaCaddy().header("X-API-Key", routedKey).header("X-Original-URI", "/shop/products/1")
                .header("X-Original-Method", "GET").get("/shop/orders").then().statusCode(403)
                .header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        viaCaddy().header("X-API-Key", routedKey).header("X-Forwarded-Uri", "/shop/products/1").get("/shop/orders")
                .then().statusCode(403).header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        viaCaddy().header("X-API-Key", routedKey).urlEncodingEnabled(false).get("/shop/products/%2e%2e/orders").then()
                .statusCode(403);
        // 401 once revoked
        shop.revokeReader();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> viaCaddy().header("X-API-Key", reader[1])
                .get("/shop/products").then().statusCode(401).header("X-Latchkey-Code", "REVOKED"));
    }
}
