package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the Node.js parts of the black-box tests: npm packages installed under target/, scripts that must exit 0. */
final class NodeScripts {

    private NodeScripts() {
    }

    /** Installs an npm package into {@code dir} unless {@code dir/node_modules/name} is there. */
    static void install(Path dir, String name, String version) throws Exception {
        if (!Files.exists(dir.resolve("node_modules").resolve(name))) {
            Files.createDirectories(dir);
            run(Map.of(), "npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund", "--silent",
                    name + "@" + version);
        }
    }

    /** Runs a command with extra environment; prints its output and fails unless it exits 0 within 10 minutes. */
    static String run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        System.out.println(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
