package dev.latchkey.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.latchkey.support.RawHttp;

/**
 * A body over {@code latchkey.http.max-body-size} (16 KiB in tests): the client reads the 413 problem+json on every
 * try, whether it keeps the connection alive or asks to close it, and the service stays responsive. Raw sockets,
 * because the failure this guards against (the answer lost to a connection reset while the client is still sending) is
 * below what HTTP client libraries show.
 */
@QuarkusTest
class OversizedBodyTest {

    private static final int BODY = 2 * 1024 * 1024;
    private static final int TRIES = 10;

    @Test
    void keepAliveClientReadsThe413AndCanSendAnotherRequest() throws IOException {
        for (int i = 0; i < TRIES; i++) {
            try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
                s.setSoTimeout(20_000);
                sendOversized(s, "keep-alive", "/api/v1/orgs");
                String answer = RawHttp.readResponse(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413"), "try " + i + ": " + head(answer));
                assertTrue(answer.contains("application/problem+json"), head(answer));
                assertTrue(answer.contains("\"code\":\"payload_too_large\""), answer);
                // the same connection serves the next request
                s.getOutputStream().write(("GET /q/health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String next = RawHttp.readResponse(s.getInputStream());
                assertTrue(next.startsWith("HTTP/1.1 200"), "try " + i + " next: " + head(next));
            }
        }
    }

    @Test
    void closingClientReadsThe413OnEveryRoute() throws IOException {
        String[] paths = { "/api/v1/orgs", "/verify", "/authorize", "/api/as/v1/credentials", "/no/such/route" };
        for (int i = 0; i < TRIES; i++) {
            String path = paths[i % paths.length];
            try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
                s.setSoTimeout(20_000);
                sendOversized(s, "close", path);
                String answer = RawHttp.readResponse(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413"), path + " try " + i + ": " + head(answer));
                assertTrue(answer.contains("\"code\":\"payload_too_large\""), answer);
            }
        }
    }

    @Test
    void verifyRefusesOver16KiBTheSameWay() throws IOException {
        for (int i = 0; i < TRIES; i++) {
            try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
                s.setSoTimeout(20_000);
                byte[] body = new byte[20 * 1024]; // over /verify's 16 KiB
                Arrays.fill(body, (byte) 'x');
                s.getOutputStream()
                        .write(("POST /verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                String answer = RawHttp.readResponse(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413"), "try " + i + ": " + head(answer));
                assertTrue(answer.contains("16384 bytes"), answer);
            }
        }
    }

    @Test
    void expectContinueIsAnsweredWithoutTheBody() throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream()
                    .write(("POST /api/v1/orgs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + BODY + "\r\nExpect: 100-continue\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
            String answer = RawHttp.readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), head(answer));
        }
    }

    @Test
    void aBodyAtTheLimitIsNotRefusedForItsSize() throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(20_000);
            byte[] body = new byte[16 * 1024];
            Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            s.getOutputStream()
                    .write(("POST /api/v1/orgs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String answer = RawHttp.readResponse(s.getInputStream());
            assertEquals("HTTP/1.1 401", answer.substring(0, 12), head(answer)); // no credential: 401, not 413
        }
    }

    /** Headers, then the whole body in 64 KiB writes (a write fails if the service reset the connection). */
    private static void sendOversized(Socket s, String connection, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: "
                + connection + "\r\nContent-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int sent = 0; sent < BODY; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, BODY - sent));
        }
        out.flush();
    }

    private static String head(String s) {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
