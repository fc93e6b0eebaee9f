package dev.latchkey.fuzz;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Request bodies: a plausible object built from the operation's schema (so that requests get past the first checks),
 * then mutated, or plain garbage.
 */
final class FuzzBodies {

    private static final List<String> GARBAGE = List.of("", "{", "}", "[]", "null", "true", "0", "\"x\"", "{} {}",
            "{\"a\":1,}", "{'a':1}", "{\"a\":1", "\u0000", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
            "{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}", "{\"a\":1e999999}",
            "{\"a\":" + "9".repeat(5000) + "}", "{\"a\":1,\"a\":2}", "[" + "{},".repeat(5000) + "{}]");
    private static final List<String> STRINGS = List.of("", " ", "x", "viewer", "admin", "editor", "owner", "member",
            "documents:read", "*", "a:b:c", "10.0.0.0/8", "::1", "not-an-ip", "organization", "workspace", "private",
            "search", "personal", "service", "2026-01-31T12:00:00Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
            "\\u0000", "a\\u0000b", "\\ud800", "\\udc00x", "\\ud83d\\ude80", "x".repeat(300), "UPPER CASE", "<script>",
            "../..", "%00");
    private static final List<String> NUMBERS = List.of("0", "-1", "1", "60", "86400", "2147483648", "99999999999999",
            "-99999999999999", "1.5", "1e3", "1e400", "-0", "9".repeat(80));

    private FuzzBodies() {
    }

    static String generate(SplittableRandom r, JsonNode schema, JsonNode schemas, Map<String, List<String>> values) {
        if (schema == null || r.nextInt(6) == 0) {
            return FuzzValues.pick(r, GARBAGE);
        }
        StringBuilder s = new StringBuilder();
        value(r, resolve(schema, schemas), schemas, values, s, 0);
        return s.toString();
    }

    private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
        String ref = schema.path("$ref").asText("");
        if (ref.equals("#verify")) {
            return null; // /verify: no schema in the document
        }
        return ref.startsWith("#/components/schemas/") ? schemas.path(ref.substring(21)) : schema;
    }

    private static void value(SplittableRandom r, JsonNode schema, JsonNode schemas, Map<String, List<String>> values,
            StringBuilder s, int depth) {
        if (schema == null) { // /verify
            s.append("{\"key\":\"").append(FuzzValues.pick(r, values.get("key"))).append('"');
            if (r.nextBoolean()) {
                s.append(",\"permissions\":[\"").append(FuzzValues.pick(r, STRINGS)).append("\"]");
            }
            if (r.nextBoolean()) {
                s.append(",\"workspace\":\"").append(FuzzValues.pick(r, STRINGS)).append('"');
            }
            if (r.nextInt(3) == 0) {
                s.append(",\"ip\":\"").append(FuzzValues.pick(r, STRINGS)).append('"');
            }
            if (r.nextInt(4) == 0) {
                s.append(",\"cost\":").append(FuzzValues.pick(r, NUMBERS));
            }
            s.append('}');
            return;
        }
        if (depth > 4 || r.nextInt(12) == 0) {
            s.append(mutant(r));
            return;
        }
        schema = resolve(schema, schemas);
        String type = schema.path("type").asText("object");
        switch (type) {
        case "object" -> {
            s.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").properties().iterator(); it
                    .hasNext();) {
                Map.Entry<String, JsonNode> p = it.next();
                if (r.nextInt(5) == 0) {
                    continue; // dropped field
                }
                s.append(first ? "" : ",").append('"').append(p.getKey()).append("\":");
                value(r, p.getValue(), schemas, values, s, depth + 1);
                first = false;
            }
            if (r.nextInt(8) == 0) {
                s.append(first ? "" : ",").append("\"").append(FuzzValues.pick(r, STRINGS)).append("\":")
                        .append(mutant(r)); // unknown field
            }
            s.append('}');
        }
        case "array" -> {
            s.append('[');
            int n = r.nextInt(8) == 0 ? 300 : r.nextInt(4);
            for (int i = 0; i < n; i++) {
                s.append(i == 0 ? "" : ",");
                value(r, schema.path("items"), schemas, values, s, depth + 1);
            }
            s.append(']');
        }
        case "integer", "number" -> s.append(FuzzValues.pick(r, NUMBERS));
        case "boolean" -> s.append(r.nextBoolean());
        default -> s.append('"').append(plausibleString(r, schema, values)).append('"');
        }
    }

    private static String plausibleString(SplittableRandom r, JsonNode schema, Map<String, List<String>> values) {
        if (schema.has("enum") && r.nextBoolean()) {
            JsonNode e = schema.path("enum");
            return e.get(r.nextInt(e.size())).asText();
        }
        if (r.nextInt(3) == 0) {
            List<String> all = values.values().stream().flatMap(List::stream).toList();
            return FuzzValues.pick(r, all);
        }
        return FuzzValues.pick(r, STRINGS);
    }

    /** A value of any JSON type, often of the wrong one for the field. */
    private static String mutant(SplittableRandom r) {
        return switch (r.nextInt(7)) {
        case 0 -> "null";
        case 1 -> FuzzValues.pick(r, NUMBERS);
        case 2 -> "\"" + FuzzValues.pick(r, STRINGS) + "\"";
        case 3 -> "{}";
        case 4 -> "[\"" + FuzzValues.pick(r, STRINGS) + "\"]";
        case 5 -> r.nextBoolean() ? "true" : "false";
        default -> "{\"a\":" + "[".repeat(80) + "]".repeat(80) + "}";
        };
    }
}
