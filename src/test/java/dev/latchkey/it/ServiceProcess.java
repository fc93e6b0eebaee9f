package dev.latchkey.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.latchkey.support.Tokens;

/**
 * One Latchkey replica: the packaged application ({@code target/quarkus-app/quarkus-run.jar}) started as its own
 * process, as in production. Stopped with SIGTERM so that its shutdown hooks (usage flush) run.
 */
final class ServiceProcess implements AutoCloseable {

    final String name;
    final int port;
    private final Process process;
    final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a replica against a database and waits until it is ready (cache warmed). */
    static ServiceProcess start(String name, String jdbcUrl, Map<String, String> extra) throws Exception {
        int port = freePort();
        boolean nativeImage = nativeImage();
        Path jar = Path
                .of(nativeImage ? System.getProperty("native.image.path") : "target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    "package the application first (mvn verify runs ITs after package): " + jar);
        }
        Path log = Path.of("target/it-logs/" + name + ".log");
        Files.createDirectories(log.getParent());
        // the native executable takes the same -D options as the JVM
        List<String> cmd = new ArrayList<>(nativeImage ? List.of(jar.toString()) : List.of(javaBin(), "-Xmx512m"));
        cmd.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dquarkus.datasource.username=postgres",
                "-Dmp.jwt.verify.publickey.location="
                        + new File("src/test/resources/test-jwt/publicKey.pem").getAbsolutePath(),
                "-Dmp.jwt.verify.issuer=" + Tokens.ISSUER, "-Dlatchkey.verify.poll-interval=1S",
                "-Dlatchkey.usage.flush-interval=1S"));
        extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (!nativeImage) {
            cmd.addAll(List.of("-jar", jar.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess s = new ServiceProcess(name, port, p, log);
        s.awaitReady(Duration.ofSeconds(60));
        return s;
    }

    /** Whether this run's replicas are the native executable (the native pass) rather than the packaged jar. */
    static boolean nativeImage() {
        return Boolean.getBoolean("latchkey.it.native");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready in " + timeout + ": " + Files.readString(log));
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: graceful shutdown
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** kill -9: no shutdown hook runs (nothing is flushed). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops replicas (those that started: null ones are skipped). */
    static void closeAll(ServiceProcess... replicas) throws Exception {
        for (ServiceProcess r : replicas) {
            if (r != null) {
                r.close();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
