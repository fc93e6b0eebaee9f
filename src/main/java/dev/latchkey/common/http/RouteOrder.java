package dev.latchkey.common.http;

/**
 * The order of Latchkey's Vert.x routes among themselves and Quarkus' own (its HTTP security filters run at -300 to
 * -100, the REST layer after them), in one place: a lower order runs first.
 */
public final class RouteOrder {

    /** First of all: a declared body over the limit is answered 413 before anything reads it (one header lookup). */
    public static final int BODY_SIZE = -2_000;

    /**
     * The hot routes ({@code /verify}, {@code /authorize}): ahead of Quarkus' HTTP security filters. These routes
     * authenticate the presented key themselves; the framework's per-request security set-up (lazy authentication,
     * context capture, REST template matching) cost more than the verification.
     */
    public static final int HOT = -1_000;

    /**
     * Latchkey's own answers at two of Quarkus' endpoints ({@code /q/metrics}, {@code /q/openapi}): ahead of the
     * handlers they stand in for, and after the hot routes, whose requests then never test these paths.
     */
    public static final int QUARKUS_ENDPOINTS = -900;

    /** Between the hot routes and Quarkus' security filters: text that could not be stored is refused early. */
    public static final int UNSTORABLE_INPUT = -500;

    private RouteOrder() {
    }
}
