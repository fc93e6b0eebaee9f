package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.apikey.leak.LeakReportTest;
import dev.latchkey.support.Api;
import dev.latchkey.support.Http;
import dev.latchkey.support.PostgresTestResource;

/**
 * A leak reported by GitHub to one packaged replica (a report signed with the test key pair) revokes the key on the
 * other replica within the usual propagation bound; the time is printed.
 */
class LeakReportIT {

    @Test
    void aReportedLeakIsRefusedOnTheOtherReplicaAtOnce() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_leaks");
        Map<String, String> leaks = Map.of("latchkey.leaks.github-keys-file",
                new File("src/test/resources/leaks/github-keys.json").getAbsolutePath());
        try (ServiceProcess a = ServiceProcess.start("leaks-a", url, leaks);
                ServiceProcess b = ServiceProcess.start("leaks-b", url, leaks)) {
            RestAssured.port = a.port;
            Api.Fixture o = Api.fixture();
            String[] k = Api.key(o.slug(), o.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> "VALID".equals(Http.code(b.baseUrl(), Map.of("key", k[1]))));
            byte[] body = LeakReportTest.body(List.of(k[1]));
            String signature = LeakReportTest.sign(LeakReportTest.privateKey("github-test-private.pem"), body);
            long start = System.nanoTime();
            String labels = io.restassured.RestAssured.given().contentType("application/json").body(body)
                    .header("Github-Public-Key-Identifier", LeakReportTest.KEY_ID)
                    .header("Github-Public-Key-Signature", signature).post("/api/v1/leaks/github").then()
                    .statusCode(200).extract().asString();
            assertTrue(labels.contains("true_positive"), labels);
            Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> "REVOKED".equals(Http.code(b.baseUrl(), Map.of("key", k[1]))));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("leak reported on a -> REVOKED on b in %d ms%n", ms);
            assertTrue(ms < 3000, "within the propagation bound: " + ms + " ms");
            assertEquals("REVOKED", Http.code(a.baseUrl(), Map.of("key", k[1])));
        } finally {
            RestAssured.reset();
        }
    }
}
