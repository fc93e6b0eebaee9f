package dev.latchkey.common.http;

/**
 * A route that takes smaller bodies than {@code latchkey.http.max-body-size} (a bean): {@link BodySizeRoute} answers
 * 413 for a larger declared {@code Content-Length} before the route runs.
 */
public interface RouteBodyLimit {

    /** The exact path. */
    String path();

    long maxBytes();
}
