package dev.latchkey.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the service and PostgreSQL that a test can cut (every connection dropped, new ones refused) and
 * restore: a database outage without touching the real server.
 */
final class TcpProxy implements AutoCloseable {

    final int port;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    /** What the clients execute, when asked for; else null. */
    final PgStatements statements;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this(targetHost, targetPort, false);
    }

    /** With {@code recordStatements}, every statement the clients execute is recorded ({@link #statements}). */
    TcpProxy(String targetHost, int targetPort, boolean recordStatements) throws IOException {
        this.port = ServiceProcess.freePort();
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.statements = recordStatements ? new PgStatements() : null;
        restore();
    }

    /** Accepts connections again. */
    synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        server = s;
        Thread acceptor = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(targetHost, targetPort);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream, statements == null ? null : statements.connection());
                    pump(upstream, client, null);
                } catch (IOException e) {
                    // closed by cut()
                }
            }
        }, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Drops every connection and refuses new ones. */
    synchronized void cut() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
        open.clear();
    }

    private void pump(Socket from, Socket to, PgStatements.Tap tap) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (tap != null) {
                        tap.accept(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // ignore
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
