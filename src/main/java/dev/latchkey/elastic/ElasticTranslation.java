package dev.latchkey.elastic;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.ScopeInput;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.error.ApiException;
import dev.latchkey.vocabulary.KeyKind;

/**
 * Elastic's words both ways: a request body read into what the key service takes (Elastic's field shapes and stricter
 * names), a key view written as Elastic's credential object, and the key service's errors in Elastic's messages.
 */
@ApplicationScoped
class ElasticTranslation {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final String NO_SUCH_WORKSPACE = "no such workspace: ";

    private final ObjectMapper json;

    ElasticTranslation(ObjectMapper json) {
        this.json = json;
    }

    /** A request in the key service's terms; {@code type} is private, search or admin. */
    record Request(String name, String type, List<String> permissions, ScopeInput scope) {
    }

    /**
     * Reads a create ({@code currentType} null) or update body; shape errors in Elastic's words go to {@code errors}.
     */
    Request request(JsonNode body, String currentType, List<String> errors) {
        if (body == null || !body.isObject()) {
            throw elastic(400, List.of("The request body must be a JSON object"));
        }
        ObjectNode b = (ObjectNode) body;
        String name = name(b, errors);
        String asked = text(b, "type");
        String type = currentType;
        if (currentType == null) {
            if (asked == null || !List.of("private", "search", "admin").contains(asked)) {
                errors.add("Type must be one of private, search, admin");
                return new Request(name, null, null, null);
            }
            type = asked;
        } else if (b.has("type") && !currentType.equals(asked)) {
            errors.add("Cannot change the type of a key");
        }
        List<String> permissions = permissions(type, b, errors);
        ScopeInput scope = scope(type, b, errors);
        return new Request(name, type, permissions, scope);
    }

    /** A key as the seed shows it; {@code fullKey} only in the create answer, the masked form otherwise. */
    ObjectNode credential(KeyView k, String fullKey) {
        ObjectNode c = json.createObjectNode();
        c.put("name", k.name());
        c.put("key", fullKey != null ? fullKey : k.masked());
        String type = typeOf(k);
        c.put("type", type);
        if ("admin".equals(type)) {
            return c;
        }
        List<String> perms = k.permissions() == null ? List.of() : k.permissions();
        if ("private".equals(type)) {
            c.put("read", perms.contains("read"));
            c.put("write", perms.contains("write"));
        }
        boolean all = Boolean.TRUE.equals(k.scope().allWorkspaces());
        c.put("access_all_engines", all);
        if (!all) {
            ArrayNode engines = c.putArray("engines");
            List<String> slugs = k.scope().workspaces() != null ? k.scope().workspaces()
                    : k.scope().workspace() != null ? List.of(k.scope().workspace()) : List.of();
            slugs.stream().sorted().forEach(engines::add);
        }
        return c;
    }

    /** A single object: its fields at the top level and the seed's meta/results wrapper around it. */
    ObjectNode single(ObjectNode credential) {
        ObjectNode out = credential.deepCopy();
        out.set("meta", meta(1, 1, 1, ElasticService.DEFAULT_PAGE_SIZE));
        out.putArray("results").add(credential);
        return out;
    }

    ObjectNode meta(int current, int totalPages, long totalResults, int size) {
        ObjectNode meta = json.createObjectNode();
        ObjectNode page = meta.putObject("page");
        page.put("current", current);
        page.put("total_pages", totalPages);
        page.put("total_results", totalResults);
        page.put("size", size);
        return meta;
    }

    /** Elastic's type of a key: admin keys, and service keys by their Elastic prefix. */
    static String typeOf(KeyView k) {
        if (KeyKind.ADMIN.wire().equals(k.kind())) {
            return "admin";
        }
        return k.masked().startsWith(KeyPrefix.ELASTIC_SEARCH.stored()) ? "search" : "private";
    }

    /**
     * The key service's refusal in Elastic's words: a name clash is Elastic's "Name has already been taken"; a scope
     * that names a missing workspace is a missing engine; an admin key with a scope cannot be scoped to engines; other
     * field errors keep their field name.
     */
    static ApiException errors(ApiException e, String type) {
        if (e.status() == 409 && e.getMessage().startsWith("A key named")) {
            return elastic(400, List.of("Name has already been taken"));
        }
        if (e.status() != 400 || e.errors().isEmpty()) {
            return e;
        }
        List<String> messages = new ArrayList<>();
        for (ApiException.FieldError f : e.errors()) {
            if (f.field() != null && f.field().startsWith("scope") && f.message().startsWith(NO_SUCH_WORKSPACE)) {
                messages.add("Engine '" + f.message().substring(NO_SUCH_WORKSPACE.length()) + "' does not exist");
            } else if ("admin".equals(type) && "scope".equals(f.field())) {
                messages.add("Admin keys cannot be scoped to engines");
            } else {
                messages.add(f.field() == null ? f.message() : f.field() + " " + f.message());
            }
        }
        return elastic(400, messages);
    }

    /** An error with Elastic's messages (rendered as {@code {"errors": [...]}} under /api/as/). */
    static ApiException elastic(int status, List<String> errors) {
        return switch (status) {
        case 401 -> ApiException.unauthorized(errors.get(0));
        case 404 -> ApiException.notFoundDetail(errors.get(0));
        default -> ApiException.invalid(errors.stream().map(m -> new ApiException.FieldError(null, m)).toList());
        };
    }

    static int positive(String value, int dflt, int max, String field) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw elastic(400, List.of(field + " must be an integer from 1 to " + max));
    }

    private static String name(ObjectNode b, List<String> errors) {
        String name = text(b, "name");
        if (name == null) {
            errors.add("Name is required");
        } else if (!NAME.matcher(name).matches()) {
            errors.add("Name can only contain letters, numbers and dashes, and at most 64 characters");
            return null;
        }
        return name;
    }

    private static List<String> permissions(String type, ObjectNode b, List<String> errors) {
        if ("private".equals(type)) {
            List<String> perms = new ArrayList<>();
            for (String f : List.of("read", "write")) {
                JsonNode v = b.get(f);
                if (v == null) {
                    errors.add(Character.toUpperCase(f.charAt(0)) + f.substring(1) + " is required for private keys");
                } else if (!v.isBoolean()) {
                    errors.add(Character.toUpperCase(f.charAt(0)) + f.substring(1) + " must be true or false");
                } else if (v.booleanValue()) {
                    perms.add(f);
                }
            }
            return perms;
        }
        if (b.has("read") || b.has("write")) {
            errors.add("Read and write are only accepted for private keys");
        }
        return "search".equals(type) ? List.of("search") : null;
    }

    /**
     * Elastic's engine fields as a key scope. Absent fields mean all engines (Elastic's default); for an admin key any
     * engine field is passed on as a scope, which the key service refuses (admin keys cover the whole organization).
     */
    private static ScopeInput scope(String type, ObjectNode b, List<String> errors) {
        JsonNode all = b.get("access_all_engines");
        JsonNode engines = b.get("engines");
        if (all != null && !all.isBoolean()) {
            errors.add("Access_all_engines must be true or false");
            return null;
        }
        if (engines != null && !engines.isArray()) {
            errors.add("Engines must be a list of engine names");
            return null;
        }
        boolean hasEngines = engines != null && !engines.isEmpty();
        if ("admin".equals(type)) {
            return engines == null && all == null ? null : new ScopeInput("organization", null,
                    hasEngines ? strings(engines) : null, all == null ? null : all.booleanValue());
        }
        if (all != null && all.booleanValue() && hasEngines) {
            errors.add("Engines must not be given when access_all_engines is true");
            return null;
        }
        if (!hasEngines) {
            if (all != null && !all.booleanValue()) {
                errors.add("Engines are required when access_all_engines is false");
                return null;
            }
            return new ScopeInput("organization", null, null, true);
        }
        return new ScopeInput("organization", null, new ArrayList<>(new LinkedHashSet<>(strings(engines))), null);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
