package dev.latchkey.support;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private three-master Redis Cluster (Debian's redis-server and redis-cli), keeping nothing on disk beyond the nodes'
 * cluster files under target/: what a deployment uses "when one node is not enough" (README, "Rate limits and quotas").
 */
public final class RedisClusterProcess implements AutoCloseable {

    public final List<Integer> ports = new ArrayList<>();
    private final List<Process> nodes = new ArrayList<>();

    public static RedisClusterProcess start() throws Exception {
        RedisClusterProcess c = new RedisClusterProcess();
        Path dir = Files.createDirectories(Path.of("target/redis-cluster-" + System.nanoTime()));
        for (int i = 0; i < 3; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            c.ports.add(port);
            c.nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--cluster-enabled", "yes", "--cluster-config-file",
                    dir.toAbsolutePath() + "/nodes-" + port + ".conf", "--dir", dir.toAbsolutePath().toString())
                            .redirectErrorStream(true).redirectOutput(dir.resolve("node-" + port + ".log").toFile())
                            .start());
        }
        for (int port : c.ports) {
            if (!RedisProcess.awaitPort(port)) {
                throw new IllegalStateException("redis-server did not start on " + port);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        c.ports.forEach(p -> cmd.add("127.0.0.1:" + p));
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process create = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(create.getInputStream().readAllBytes());
        if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IllegalStateException("cluster create failed: " + out);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster not ok: " + out);
            }
            Thread.sleep(100);
        }
        return c;
    }

    /** The seed list as latchkey.redis.url takes it. */
    public String url() {
        return String.join(",", ports.stream().map(p -> "redis://127.0.0.1:" + p).toList());
    }

    private boolean ok() throws Exception {
        for (int port : ports) {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "cluster", "info").start();
            String info = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            if (!info.contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    /** Empties every master, as a cluster that lost its data comes back. */
    public void flushAll() throws Exception {
        for (int port : ports) {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "flushall").start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
