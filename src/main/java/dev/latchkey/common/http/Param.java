package dev.latchkey.common.http;

import java.util.function.Function;

/**
 * A typed query parameter read lazily: the resource declares {@code @QueryParam("since") Param<Instant> since}, and the
 * value is converted (or refused with a 400 naming the parameter) only when the service asks for it — after it has
 * decided whether the caller may use the route at all. A JAX-RS conversion would run before the resource method, so a
 * caller without access would learn about their bad value instead of being refused (README, "Errors").
 */
public final class Param<T> {

    private final String name;
    private final String raw;
    private final Function<String, T> parse;

    Param(String name, String raw, Function<String, T> parse) {
        this.name = name;
        this.raw = raw;
        this.parse = parse;
    }

    /** An absent parameter (what the converter gives for a missing query value). */
    public static <T> Param<T> absent(String name) {
        return new Param<>(name, null, s -> null);
    }

    /** The query parameter's name. */
    public String name() {
        return name;
    }

    /** Whether the request carried this parameter. */
    public boolean present() {
        return raw != null;
    }

    /** The value of a possibly missing parameter (JAX-RS gives null for an absent one). */
    public static <T> T get(Param<T> p) {
        return p == null ? null : p.get();
    }

    /** The converted value, null when absent; a 400 {@code validation_failed} naming the parameter when invalid. */
    public T get() {
        return raw == null ? null : parse.apply(raw);
    }

    /** The raw text, null when absent. */
    public String raw() {
        return raw;
    }
}
