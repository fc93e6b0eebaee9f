package dev.latchkey.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A private redis-server (Debian's {@code redis-server}; src/scripts/test installs it) on a free port, keeping nothing
 * on disk like the machines' own: tests can kill it (SIGKILL, as an outage or a crash) and start it again empty without
 * touching the Redis other work uses.
 */
public final class RedisProcess implements AutoCloseable {

    public final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    /** Starts one and waits until it accepts connections. */
    public static RedisProcess start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisProcess r = new RedisProcess(port);
        r.restart();
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server again (after {@link #kill()}): empty, as a Redis that keeps nothing on disk comes back. */
    public void restart() throws Exception {
        Path log = Path.of("target/redis-" + port + ".log");
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save",
                "", "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
        if (!awaitPort(port)) {
            throw new IllegalStateException("redis-server did not start on " + port + ": " + Files.readString(log));
        }
    }

    /** Waits up to 20 s until something accepts connections on the port. */
    static boolean awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    /** SIGKILL: every counter is lost. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
