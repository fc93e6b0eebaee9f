package dev.latchkey.webhook;

import static dev.latchkey.support.Api.as;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.restassured.response.Response;

import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;
import dev.latchkey.support.WebhookReceiver;

/**
 * What the delivery tests share: one receiver per class (the Standard Webhooks library checks every delivery), whose
 * notion of now follows the injected clock (the library refuses timestamps five minutes off its own time), and
 * endpoints on it.
 */
abstract class ReceiverTest {

    static WebhookReceiver receiver;

    @Inject
    TestClock clock;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeEach
    void followClock() throws Exception {
        receiver.clockOffset(clock.millis() - System.currentTimeMillis());
    }

    /** Moves the injected clock, and the receiver's with it. */
    void advance(Duration d) throws Exception {
        clock.advance(d);
        followClock();
    }

    /** An endpoint on the receiver at {@code path} for {@code events}; returns its id and secret. */
    static String[] hook(Api.Fixture o, String path, List<String> events, int status) throws Exception {
        Response r = as(o.token()).body(Map.of("url", receiver.url(path), "events", events))
                .post("/api/v1/orgs/" + o.slug() + "/webhooks");
        r.then().statusCode(201);
        String id = r.path("id");
        String secret = r.path("secret");
        receiver.endpoint(path, List.of(secret), status, 0);
        return new String[] { id, secret };
    }
}
