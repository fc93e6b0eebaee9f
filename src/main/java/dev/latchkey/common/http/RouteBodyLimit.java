package dev.latchkey.common.http;

/**
 * A route with its own body limit (a bean): {@link BodySizeRoute} answers 413 for a larger declared
 * {@code Content-Length} before the route runs. A route named by its exact {@link #path()} may only take smaller bodies
 * than {@code latchkey.http.max-body-size}; one named by a {@link #pathPattern()} (a batch route) may take larger ones,
 * up to the HTTP layer's own ceiling.
 */
public interface RouteBodyLimit {

    /** The exact path, or null when {@link #pathPattern()} names the route. */
    String path();

    /** The route's paths, for a route with path parameters; null when {@link #path()} names it. */
    default java.util.regex.Pattern pathPattern() {
        return null;
    }

    long maxBytes();

    /** A batch route's limit: its paths (a regular expression over the whole path) may take up to {@code maxBytes}. */
    static RouteBodyLimit batch(String pathRegex, long maxBytes) {
        java.util.regex.Pattern paths = java.util.regex.Pattern.compile(pathRegex);
        return new RouteBodyLimit() {
            @Override
            public String path() {
                return null;
            }

            @Override
            public java.util.regex.Pattern pathPattern() {
                return paths;
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }
        };
    }
}
