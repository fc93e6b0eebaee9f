package dev.latchkey.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A thread-safe keep-alive client for black-box tests that call replicas from many threads at once. */
public final class Http {

    public static final HttpClient CLIENT = newClient();
    public static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** A call's status and parsed body (null when empty). */
    public record Answer(int status, JsonNode body) {
    }

    /** A client with connections of its own (as a gateway has), set up as {@link #CLIENT}. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sends a request with an optional bearer and JSON body. */
    public static Answer call(String method, String url, String bearer, Object body) {
        try {
            return send(CLIENT, method, url, bearer, body);
        } catch (Exception e) {
            throw new AssertionError(method + " " + url + " failed", e);
        }
    }

    /** The same on {@code client}, with a transport failure (a connection closed before any answer) thrown as is. */
    public static Answer send(HttpClient client, String method, String url, String bearer, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    /** Like {@link #call} but fails unless the status is one of {@code expected}. */
    public static JsonNode expect(String method, String url, String bearer, Object body, int... expected) {
        Answer a = call(method, url, bearer, body);
        for (int e : expected) {
            if (a.status() == e) {
                return a.body();
            }
        }
        throw new AssertionError(method + " " + url + " answered " + a.status() + ": " + a.body());
    }

    /** The verify code a service at {@code baseUrl} gives for a request body. */
    public static String code(String baseUrl, Map<String, Object> body) {
        Answer a = call("POST", baseUrl + "/verify", null, body);
        if (a.status() != 200) {
            throw new AssertionError("verify answered " + a.status() + ": " + a.body());
        }
        return a.body().get("code").asText();
    }

    /** The value of a metric line (exact name and labels) on a service's scrape, or 0. */
    public static double metric(String baseUrl, String line) {
        try {
            String page = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().replace(",}", "}"); // labels may end with a comma
            for (String l : page.split("\n")) {
                if (l.startsWith(line + " ")) {
                    return Double.parseDouble(l.substring(line.length() + 1).trim());
                }
            }
            return 0;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
