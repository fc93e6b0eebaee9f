package dev.latchkey.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.Promtool;

/**
 * {@code /q/metrics} as strict Prometheus tooling reads it: {@code promtool check metrics} (Debian package
 * {@code prometheus}, installed by {@code src/scripts/test}) accepts the whole page, and every meter, Latchkey's own
 * included, has help text.
 */
@QuarkusTest
class MetricsFormatTest {

    @Test
    void promtoolAcceptsTheScrape() throws Exception {
        // make the verify meters exist: one allowed, one refused, one unknown key
        Api.Fixture f = Api.fixture();
        String org = f.slug();
        String ot = f.token();
        String ws = f.ws();
        String key = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)))[1];
        RestAssured.given().header("X-API-Key", key).get("/authorize").then().statusCode(200);
        RestAssured.given().contentType("application/json").body(Map.of("key", key, "permissions", List.of("x:y")))
                .post("/verify").then().statusCode(200);
        RestAssured.given().header("X-API-Key", "lks_nope").get("/authorize").then().statusCode(401);
        String page = RestAssured.get("/q/metrics").asString();
        assertTrue(page.contains("latchkey_verify_requests_total"), "verify meters are on the page");
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/metrics-scrape.txt"), page); // for a failure

        Promtool.check(page);

        List<String> withoutHelp = new ArrayList<>();
        for (String line : page.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String name = line.split(" ")[2];
                if (!page.contains("# HELP " + name + " ")) {
                    withoutHelp.add(name);
                }
            }
        }
        assertEquals(List.of(), withoutHelp, "meters without help text");
        assertTrue(page.contains("# HELP process_cpu_usage The 'recent cpu usage'"), "quotes in help text replaced");
        // Micrometer's HTTP server binder stays off: it costs every request, the ignored hot paths included
        assertTrue(page.contains("latchkey_verify_duration_seconds"), "the hot path's own timing is there");
        assertTrue(!page.contains("http_server_"), "no generic per-request HTTP meters");
    }

    @Test
    void openMetricsIsServedToAScraperThatAsksForIt() {
        // what Prometheus sends
        String page = RestAssured.given()
                .header("Accept", "application/openmetrics-text;version=1.0.0,"
                        + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(page.strip().endsWith("# EOF"), "an OpenMetrics page ends with # EOF");
        String classic = RestAssured.given().header("Accept", "*/*").get("/q/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain")).extract().asString();
        assertTrue(!classic.contains("# EOF"), "curl's Accept gets the classic text format");
    }
}
