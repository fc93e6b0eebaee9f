package dev.latchkey.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two PostgreSQL 15 nodes run by Patroni (Debian's {@code patroni} 3.0) with one etcd (Debian's {@code etcd-server}),
 * in Patroni's synchronous mode: the replica is the synchronous standby, and Patroni promotes it when the leader's key
 * in etcd expires. {@link #killPrimary} takes the whole node away (kill -9 of its Patroni and its postmaster), as a
 * lost machine would; {@link #failOver} only waits for Patroni.
 */
final class PatroniCluster implements Cluster {

    static final Path PATRONI = Path.of("/usr/bin/patroni");
    static final Path ETCD = Path.of("/usr/bin/etcd");
    /** The leader key's time to live (Patroni's minimum is 20 s), the loop and the DCS retry timeout. */
    static final int TTL = 20;
    static final int LOOP_WAIT = 2;
    static final int RETRY_TIMEOUT = 5;

    final Path dir;
    final int[] pgPorts;
    final int[] restPorts;
    private final List<Process> patroni = new ArrayList<>();
    private Process etcd;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PatroniCluster(Path dir, int[] pgPorts, int[] restPorts) {
        this.dir = dir;
        this.pgPorts = pgPorts;
        this.restPorts = restPorts;
    }

    static boolean installed() {
        return Files.isExecutable(PATRONI) && Files.isExecutable(ETCD);
    }

    static PatroniCluster start() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-patroni");
        run("chown", "postgres", dir.toString());
        PatroniCluster c = new PatroniCluster(dir, new int[] { ServiceProcess.freePort(), ServiceProcess.freePort() },
                new int[] { ServiceProcess.freePort(), ServiceProcess.freePort() });
        int client = ServiceProcess.freePort();
        int peer = ServiceProcess.freePort();
        c.etcd = asPostgres(dir.resolve("etcd.log"), ETCD.toString(), "--name", "latchkey-test", "--data-dir",
                dir.resolve("etcd").toString(), "--listen-client-urls", "http://127.0.0.1:" + client,
                "--advertise-client-urls", "http://127.0.0.1:" + client, "--listen-peer-urls",
                "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "latchkey-test=http://127.0.0.1:" + peer);
        for (int i = 0; i < 2; i++) {
            Path yml = dir.resolve("node" + i + ".yml");
            Files.writeString(yml, c.config(i, client));
            run("chown", "postgres", yml.toString());
        }
        c.patroni.add(asPostgres(dir.resolve("node0.log"), PATRONI.toString(), dir.resolve("node0.yml").toString()));
        c.await(0, "/primary", Duration.ofSeconds(90));
        c.patroni.add(asPostgres(dir.resolve("node1.log"), PATRONI.toString(), dir.resolve("node1.yml").toString()));
        c.await(1, "/sync", Duration.ofSeconds(90)); // the replica streams and is the synchronous standby
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.pgPorts[0] + "/postgres",
                "postgres", "")) {
            conn.createStatement().execute("create database latchkey");
        }
        return c;
    }

    private String config(int node, int etcdClient) {
        return String.join("\n", "scope: latchkey-test", "name: node" + node, "restapi:",
                "  listen: 127.0.0.1:" + restPorts[node], "  connect_address: 127.0.0.1:" + restPorts[node], "etcd3:",
                "  hosts: 127.0.0.1:" + etcdClient, "bootstrap:", "  dcs:", "    ttl: " + TTL,
                "    loop_wait: " + LOOP_WAIT, "    retry_timeout: " + RETRY_TIMEOUT,
                "    maximum_lag_on_failover: 1048576", "    synchronous_mode: true", "    postgresql:",
                "      use_pg_rewind: false", "      parameters:", "        wal_level: replica",
                "        hot_standby: 'on'", "        max_wal_senders: 5", "        max_replication_slots: 5",
                "        fsync: 'off'", "        max_connections: 200", "  initdb:", "    - encoding: UTF8",
                "    - auth: trust", "  pg_hba:", "    - host replication all 127.0.0.1/32 trust",
                "    - host all all 127.0.0.1/32 trust", "    - local all all trust", "postgresql:",
                "  listen: 127.0.0.1:" + pgPorts[node], "  connect_address: 127.0.0.1:" + pgPorts[node],
                "  data_dir: " + dir.resolve("data" + node), "  bin_dir: " + PostgresPair.BIN,
                "  pgpass: " + dir.resolve("pgpass" + node), "  authentication:", "    replication:",
                "      username: postgres", "    superuser:", "      username: postgres", "  parameters:",
                "    unix_socket_directories: '" + dir + "'", "");
    }

    /** Waits until a node's REST API answers 200 on a role check ({@code /primary}, {@code /sync}). */
    private void await(int node, String check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPorts[node] + check))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node" + node + " not " + check + " in " + timeout + ": "
                + Files.readString(dir.resolve("node" + node + ".log")));
    }

    @Override
    public String primaryUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPorts[0] + ",127.0.0.1:" + pgPorts[1]
                + "/latchkey?targetServerType=primary";
    }

    @Override
    public String standbyUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPorts[1] + "/latchkey";
    }

    @Override
    public Connection connectPrimary() throws SQLException {
        return DriverManager.getConnection(primaryUrl(), "postgres", "");
    }

    /** The leader's node lost: kill -9 of its Patroni, then of its postmaster. */
    @Override
    public void killPrimary() throws Exception {
        // runuser forks Patroni: the process to kill is found by its configuration file on the command line
        run("pkill", "-9", "-f", dir.resolve("node0.yml").toString());
        patroni.get(0).waitFor(10, TimeUnit.SECONDS);
        String pid = Files.readAllLines(dir.resolve("data0").resolve("postmaster.pid")).get(0).trim();
        run("kill", "-9", pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && PostgresPair.listening(pgPorts[0])) {
            Thread.sleep(20);
        }
    }

    /** Nothing by hand: Patroni promotes the synchronous standby once the leader key expires. */
    @Override
    public void failOver() throws Exception {
        await(1, "/primary", Duration.ofSeconds(TTL + 60L));
    }

    @Override
    public String howFailOver() {
        return "Patroni " + TTL + " s leader TTL, synchronous mode";
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < patroni.size(); i++) {
            // SIGTERM to Patroni itself (runuser forked it): it stops its PostgreSQL
            new ProcessBuilder("pkill", "-f", dir.resolve("node" + i + ".yml").toString()).start().waitFor();
        }
        for (Process p : patroni) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (int i = 0; i < 2; i++) {
            Path data = dir.resolve("data" + i);
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    run("runuser", "-u", "postgres", "--", PostgresPair.BIN.resolve("pg_ctl").toString(), "-D",
                            data.toString(), "-m", "immediate", "-w", "stop");
                } catch (Exception e) {
                    // already gone
                }
            }
        }
        if (etcd != null) {
            new ProcessBuilder("pkill", "-9", "-f", dir.resolve("etcd").toString()).start().waitFor();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
        run("rm", "-rf", dir.toString());
    }

    private static Process asPostgres(Path log, String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(cmd));
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
