package dev.latchkey.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two PostgreSQL 15 clusters of this machine's binaries, made for one test: a primary and a synchronous standby cloned
 * from it with {@code pg_basebackup} (streaming replication, {@code synchronous_commit = on}: a commit is acknowledged
 * once the standby has it on disk). As root the clusters run as the {@code postgres} user (initdb refuses root). fsync
 * is off: the failure tested is a killed server process, not a lost machine, and the OS keeps what was written.
 */
final class PostgresPair implements Cluster {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String STANDBY_NAME = "standby1";

    final Path dir;
    final int primaryPort;
    final int standbyPort;

    private PostgresPair(Path dir, int primaryPort, int standbyPort) {
        this.dir = dir;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
    }

    /** Creates and starts both clusters, with a database {@code latchkey} on the primary (replicated). */
    static PostgresPair start() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-pair");
        if (root()) {
            run("chown", "postgres", dir.toString());
        }
        PostgresPair p = new PostgresPair(dir, ServiceProcess.freePort(), ServiceProcess.freePort());
        p.asPostgres(BIN.resolve("initdb").toString(), "-D", p.primary().toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8");
        Files.writeString(p.primary().resolve("postgresql.conf"),
                String.join("\n", "listen_addresses = '127.0.0.1'", "port = " + p.primaryPort,
                        "unix_socket_directories = '" + dir + "'", "wal_level = replica", "max_wal_senders = 5",
                        "hot_standby = on", "synchronous_standby_names = '" + STANDBY_NAME + "'",
                        "synchronous_commit = on", "fsync = off", "max_connections = 200", "shared_buffers = 32MB", ""),
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(p.primary().resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 trust\n",
                java.nio.file.StandardOpenOption.APPEND);
        p.pgCtl(p.primary(), "start");
        p.asPostgres(BIN.resolve("pg_basebackup").toString(), "-D", p.standby().toString(), "-R", "-X", "stream", "-d",
                "host=127.0.0.1 port=" + p.primaryPort + " user=postgres application_name=" + STANDBY_NAME);
        // the copy's settings are the primary's: only its port differs (appended settings win)
        Files.writeString(p.standby().resolve("postgresql.conf"), "port = " + p.standbyPort + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        p.pgCtl(p.standby(), "start");
        try (Connection c = DriverManager.getConnection(p.url(p.primaryPort, "postgres"), "postgres", "")) {
            c.createStatement().execute("create database latchkey");
        }
        return p;
    }

    Path primary() {
        return dir.resolve("primary");
    }

    Path standby() {
        return dir.resolve("standby");
    }

    String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String primaryUrl() {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort
                + "/latchkey?targetServerType=primary";
    }

    @Override
    public String standbyUrl() {
        return url(standbyPort, "latchkey");
    }

    @Override
    public Connection connectPrimary() throws SQLException {
        return DriverManager.getConnection(primaryUrl(), "postgres", "");
    }

    /** kill -9 of the primary's postmaster: no shutdown, no last WAL sent. */
    @Override
    public void killPrimary() throws Exception {
        String pid = Files.readAllLines(primary().resolve("postmaster.pid")).get(0).trim();
        run("kill", "-9", pid);
        // backends close the listening socket when forked, so the port closes with the postmaster; they notice its
        // death and exit by themselves, and a commit waiting for the standby is then never acknowledged
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && listening(primaryPort)) {
            Thread.sleep(20);
        }
    }

    /**
     * By hand, a second after the kill (the operator takes a moment): promotes the standby (pg_ctl promote waits until
     * it accepts writes), then, as the runbook says (README "Regions and failover"), tells it not to wait for a
     * synchronous standby of its own: it inherited the old primary's {@code synchronous_standby_names}, and with no
     * such standby every commit would wait for ever. Patroni does the same in its synchronous mode.
     */
    @Override
    public void failOver() throws Exception {
        Thread.sleep(1_000);
        pgCtl(standby(), "promote");
        try (Connection c = DriverManager.getConnection(standbyUrl(), "postgres", "")) {
            c.createStatement().execute("alter system set synchronous_standby_names = ''");
            c.createStatement().execute("select pg_reload_conf()");
        }
    }

    @Override
    public String howFailOver() {
        return "standby promoted by hand 1 s after the kill";
    }

    static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void pgCtl(Path data, String action) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t",
                "60", "-l", data + ".log", action));
        asPostgres(cmd.toArray(String[]::new));
    }

    @Override
    public void close() throws Exception {
        for (Path data : List.of(primary(), standby())) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                            "stop");
                } catch (Exception e) {
                    // already gone
                }
            }
        }
        run("rm", "-rf", dir.toString());
    }

    private void asPostgres(String... cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(cmd));
        run(full.toArray(String[]::new));
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
