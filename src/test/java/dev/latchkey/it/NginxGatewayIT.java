package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.support.PostgresTestResource;

/**
 * A real nginx with {@code auth_request} in front of an upstream, asking the packaged Latchkey: it lets a valid key
 * through with the X-Latchkey-* headers forwarded, answers 401 for unknown or revoked keys and 403 for permission,
 * workspace and rate-limit denials (nginx mode). The configuration is the one shipped in src/main/kubernetes/nginx/
 * with only ports filled in.
 */
class NginxGatewayIT {

    static ServiceProcess latchkey;
    static Path dir = Path.of("target/nginx-it").toAbsolutePath();
    static int nginxPort;

    @BeforeAll
    static void start() throws Exception {
        latchkey = ServiceProcess.start("nginx-it", PostgresTestResource.recreate("latchkey_it_nginx"), Map.of());
        nginxPort = ServiceProcess.freePort();
        int echoPort = ServiceProcess.freePort();
        Files.createDirectories(dir.resolve("logs"));
        String template = Files.readString(Path.of("src/main/kubernetes/nginx/latchkey.conf"));
        String conf = """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp;
                  scgi_temp_path %1$s/tmp;
                  # the protected application: echoes what the gateway forwarded
                  server {
                    listen 127.0.0.1:%2$d;
                    location / {
                      default_type text/plain;
                      return 200 "upstream key=$http_x_latchkey_key_id org=$http_x_latchkey_organization actor=$http_x_latchkey_actor perms=$http_x_latchkey_permissions\\n";
                    }
                  }
                %3$s
                }
                """
                .formatted(dir, echoPort,
                        template.replace("LATCHKEY_ADDR", "127.0.0.1:" + latchkey.port)
                                .replace("LISTEN_ADDR", "127.0.0.1:" + nginxPort)
                                .replace("UPSTREAM_ADDR", "127.0.0.1:" + echoPort));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder("nginx", "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nginx did not start: " + out);
        }
        RestAssured.port = latchkey.port;
    }

    @AfterAll
    static void stop() throws Exception {
        new ProcessBuilder("nginx", "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString(), "-s", "stop")
                .start().waitFor(10, TimeUnit.SECONDS);
        if (latchkey != null) {
            latchkey.close();
        }
        RestAssured.reset();
    }

    static io.restassured.specification.RequestSpecification viaNginx() {
        return given().baseUri("http://127.0.0.1").port(nginxPort);
    }

    @Test
    void nginxAllowsForwardsAndDenies() {
        ShopKeys shop = ShopKeys.create();
        String org = shop.org();
        String[] reader = shop.reader();
        String[] other = shop.other();
        String[] limited = shop.limited();
        String routedKey = shop.routed()[1];

        // allowed: the upstream sees the forwarded identity
        viaNginx().header("X-API-Key", reader[1]).get("/shop/products").then().statusCode(200)
                .body(containsString("upstream key=" + reader[0] + " org=" + org + " actor=shop-reader perms=read"));
        viaNginx().header("Authorization", "Bearer " + reader[1]).get("/shop/products").then().statusCode(200);
        // 401: no key, unknown key
        viaNginx().get("/shop/products").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .header("X-Latchkey-Code", "NOT_FOUND");
        viaNginx().header("X-API-Key", "lks_garbage").get("/shop/products").then().statusCode(401);
        // 403: permission (writes need write), workspace
        viaNginx().header("X-API-Key", reader[1]).post("/shop/products").then().statusCode(403)
                .header("X-Latchkey-Code", "INSUFFICIENT_PERMISSIONS");
        viaNginx().header("X-API-Key", other[1]).get("/shop/products").then().statusCode(403).header("X-Latchkey-Code",
                "FORBIDDEN");
        // rate limit: nginx mode answers 403 + Retry-After (nginx rejects a 429 from auth_request)
        viaNginx().header("X-API-Key", limited[1]).get("/shop/products").then().statusCode(200);
        viaNginx().header("X-API-Key", limited[1]).get("/shop/products").then().statusCode(403)
                .header("X-Latchkey-Code", "RATE_LIMITED").header("Retry-After", notNullValue());
        // route rules: nginx reports the original method and URI itself; a client's own X-Original-URI is overwritten
        viaNginx().header("X-API-Key", routedKey).get("/shop/products/7").then().statusCode(200);
        viaNginx().header("X-API-Key", routedKey).get("/shop/orders").then().statusCode(403).header("X-Latchkey-Code",
                "ROUTE_NOT_ALLOWED");
        viaNginx().header("X-API-Key", routedKey).header("X-Original-URI", "/shop/products/1").get("/shop/orders")
                .then().statusCode(403).header("X-Latchkey-Code", "ROUTE_NOT_ALLOWED");
        viaNginx().header("X-API-Key", routedKey).urlEncodingEnabled(false).get("/shop/products/%2e%2e/orders").then()
                .statusCode(403);
        // 401 once revoked
        shop.revokeReader();
        viaNginx().header("X-API-Key", reader[1]).get("/shop/products").then().statusCode(401).header("X-Latchkey-Code",
                "REVOKED");
    }
}
