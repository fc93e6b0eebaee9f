package dev.latchkey.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The console's shell: index.html for every deep link, files as they are, 404 for missing files, the strict headers on
 * all of them, the sign-in configuration, and no inline script or style anywhere in the page.
 */
@QuarkusTest
class ConsoleRoutesTest {

    static void strictHeaders(Response r) {
        String csp = r.header("Content-Security-Policy");
        assertNotNull(csp, "CSP on " + r.statusCode());
        assertTrue(csp.contains("script-src 'self';"), csp);
        assertTrue(csp.contains("style-src 'self';"), csp);
        assertTrue(csp.contains("default-src 'none'"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe"), csp);
        assertEquals("DENY", r.header("X-Frame-Options"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("no-referrer", r.header("Referrer-Policy"));
    }

    @Test
    void deepLinksGetTheAppWithStrictHeaders() {
        String index = null;
        for (String path : new String[] { "/console/", "/console/index.html", "/console/orgs/acme/api-keys",
                "/console/orgs/acme/workspaces/search/api-keys", "/console/callback" }) {
            Response r = given().redirects().follow(false).get(path);
            assertEquals(200, r.statusCode(), path);
            assertTrue(r.contentType().startsWith("text/html"), path);
            strictHeaders(r);
            if (index == null) {
                index = r.asString();
            }
            assertEquals(index, r.asString(), path + " is the same page");
        }
        given().redirects().follow(false).get("/console").then().statusCode(302).header("Location",
                endsWith("/console/"));
    }

    @Test
    void filesAreServedAndMissingOnesAre404() {
        Response js = given().get("/console/js/app.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.contentType().contains("javascript"), js.contentType());
        strictHeaders(js);
        Response css = given().get("/console/app.css");
        assertEquals(200, css.statusCode());
        strictHeaders(css);
        Response missing = given().get("/console/js/nope.js");
        assertEquals(404, missing.statusCode());
        strictHeaders(missing);
    }

    @Test
    void withoutAnIssuerOnlyTokenSignInIsOffered() {
        given().get("/console/config.json").then().statusCode(200).body("oidc", nullValue()).header("Cache-Control",
                "no-store");
    }

    @Test
    void thePageHasNoInlineScriptOrStyle() {
        String html = given().get("/console/").asString();
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int n = 0;
        while (scripts.find()) {
            n++;
            assertTrue(scripts.group(1).contains("src=\"/console/"), scripts.group());
            assertEquals("", scripts.group(2).trim(), "no inline code");
        }
        assertEquals(1, n);
        assertFalse(html.contains("style="), "no style attribute");
        assertFalse(html.contains("<style"), "no style element");
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), "no inline event handler");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing from elsewhere");
    }
}
