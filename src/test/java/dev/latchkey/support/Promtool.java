package dev.latchkey.support;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian package prometheus, installed by src/scripts/test) on a scrape. */
public final class Promtool {

    private Promtool() {
    }

    /** Fails unless promtool accepts the page with no finding. */
    public static void check(String page) throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(
                    "promtool is missing: install the Debian package prometheus (src/scripts/test does)", e);
        }
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(page.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("", out.strip(), "promtool check metrics");
        assertEquals(0, promtool.exitValue(), out);
    }
}
