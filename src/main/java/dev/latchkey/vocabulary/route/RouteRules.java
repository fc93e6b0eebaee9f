package dev.latchkey.vocabulary.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A key's route rules (README, "Verify API"): {@code [{"methods": ["GET", "HEAD"], "path": "/v1/documents/**"}]}.
 * Methods absent = any; {@code *} is one path segment, {@code **} (last only) any rest, including none. A request
 * passes when its original method and path match one rule; a path that {@link RoutePath} finds ambiguous matches none.
 */
public final class RouteRules {

    public static final int MAX_RULES = 50;
    public static final int MAX_PATH_LENGTH = 512;
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    /** What a literal pattern segment may hold: RFC 3986 path characters without '%' and ';'. */
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,=:@-]+");

    /** One rule: methods (null = any) and the path pattern's segments. */
    public record Rule(Set<String> methods, List<String> pattern) {

        boolean matches(String method, List<String> segments) {
            if (methods != null && !methods.contains(method)) {
                return false;
            }
            for (int i = 0; i < pattern.size(); i++) {
                String p = pattern.get(i);
                if (p.equals("**")) {
                    return true;
                }
                if (i >= segments.size() || !(p.equals("*") || p.equals(segments.get(i)))) {
                    return false;
                }
            }
            return segments.size() == pattern.size();
        }

        /** The stored form: {@code GET,HEAD /v1/documents/**}, or {@code * /path} for any method. */
        public String stored() {
            return (methods == null ? "*" : String.join(",", methods)) + " /" + String.join("/", pattern);
        }

        public String path() {
            return "/" + String.join("/", pattern);
        }
    }

    private final List<Rule> rules;

    private RouteRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules. */
    public List<Rule> rules() {
        return rules;
    }

    /** Whether the original request may pass; an unknown method or path never does. */
    public boolean allows(String method, String path) {
        if (method == null || path == null) {
            return false;
        }
        List<String> segments = RoutePath.segments(path);
        if (segments == null) {
            return false;
        }
        String m = method.toUpperCase(Locale.ROOT);
        for (Rule r : rules) {
            if (r.matches(m, segments)) {
                return true;
            }
        }
        return false;
    }

    /** Rules from their stored forms ({@link Rule#stored()}); null for none. */
    public static RouteRules fromStored(String[] stored) {
        if (stored == null) {
            return null;
        }
        List<Rule> rules = new ArrayList<>(stored.length);
        for (String s : stored) {
            int space = s.indexOf(' ');
            String methods = s.substring(0, space);
            rules.add(rule(methods.equals("*") ? null : List.of(methods.split(",")), s.substring(space + 1)));
        }
        return new RouteRules(rules);
    }

    /**
     * A rule from what a client sent, or an explanation of what is wrong with it (an {@link IllegalArgumentException}
     * whose message names the problem).
     */
    public static Rule rule(List<String> methods, String path) {
        Set<String> ms = null;
        if (methods != null && !methods.isEmpty()) {
            ms = new TreeSet<>();
            for (String m : methods) {
                String up = m == null ? "" : m.toUpperCase(Locale.ROOT);
                if (!METHOD.matcher(up).matches()) {
                    throw new IllegalArgumentException("methods must be HTTP method names such as GET");
                }
                ms.add(up);
            }
        }
        if (path == null || path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException(
                    "path must start with / and have at most " + MAX_PATH_LENGTH + " characters");
        }
        List<String> pattern = new ArrayList<>();
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() && i == parts.length - 1 && parts.length == 1) {
                break; // "/" alone: the root
            }
            if (p.equals("**")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("** may only be the last segment");
                }
            } else if (!p.equals("*")
                    && (!LITERAL.matcher(p).matches() || p.equals(".") || p.equals("..") || p.endsWith("."))) {
                throw new IllegalArgumentException("segment '" + p + "' must be *, ** or letters, digits and "
                        + "-._~!$&'()+,=:@ (no %, ;, empty, . or .. segments, no trailing dot)");
            }
            pattern.add(p);
        }
        return new Rule(ms, List.copyOf(pattern));
    }

    /** Rules built with {@link #rule}. */
    public static RouteRules of(List<Rule> rules) {
        return new RouteRules(rules);
    }
}
