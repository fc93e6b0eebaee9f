package dev.latchkey.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the PostgreSQL protocol a client sends (through {@link TcpProxy}) and records the text of every statement it
 * executes: a simple Query, or a Bind of a statement Parsed earlier on that connection (pgjdbc prepares a statement
 * once and binds it by name afterwards). Needs the client to connect without TLS ({@code sslmode=disable}).
 */
final class PgStatements {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final List<String> executed = new CopyOnWriteArrayList<>();

    /** How many statements were executed so far (a mark for {@link #since}). */
    int mark() {
        return executed.size();
    }

    /** The statements executed since {@code mark}. */
    List<String> since(int mark) {
        return List.copyOf(executed.subList(mark, executed.size()));
    }

    /** A parser for one connection's client-to-server bytes. */
    Tap connection() {
        return new Tap();
    }

    /** One connection: bytes in, statements recorded. */
    final class Tap {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Map<String, String> prepared = new HashMap<>();
        private boolean startup = true;

        void accept(byte[] b, int off, int len) {
            buffer.write(b, off, len);
            byte[] all = buffer.toByteArray();
            int at = 0;
            while (true) {
                int consumed = startup ? startupMessage(all, at) : message(all, at);
                if (consumed == 0) {
                    break;
                }
                at += consumed;
            }
            buffer.reset();
            buffer.write(all, at, all.length - at);
        }

        private int startupMessage(byte[] b, int at) {
            if (b.length - at < 8) {
                return 0;
            }
            int len = int32(b, at);
            if (b.length - at < len) {
                return 0;
            }
            int code = int32(b, at + 4);
            startup = code == SSL_REQUEST || code == GSS_REQUEST; // the startup message itself comes next
            return len;
        }

        private int message(byte[] b, int at) {
            if (b.length - at < 5) {
                return 0;
            }
            int len = int32(b, at + 1);
            if (b.length - at < 1 + len) {
                return 0;
            }
            int body = at + 5;
            switch (b[at]) {
            case 'Q' -> executed.add(cString(b, body));
            case 'P' -> {
                String name = cString(b, body);
                prepared.put(name, cString(b, body + name.length() + 1));
            }
            case 'B' -> {
                String portal = cString(b, body);
                String statement = cString(b, body + portal.length() + 1);
                executed.add(prepared.getOrDefault(statement, "<unknown statement " + statement + ">"));
            }
            default -> {
                // Sync, Execute, Describe, Close...: not statements of their own
            }
            }
            return 1 + len;
        }
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static String cString(byte[] b, int at) {
        int end = at;
        while (b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }
}
