package dev.latchkey.elastic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.apikey.ApiKey;
import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyDtos.ScopeInput;
import dev.latchkey.apikey.KeyFormat;
import dev.latchkey.apikey.KeyKind;
import dev.latchkey.apikey.KeyPrefix;
import dev.latchkey.apikey.KeyService;
import dev.latchkey.error.ApiException;
import dev.latchkey.organization.Organization;
import dev.latchkey.security.Caller;
import dev.latchkey.security.CallerResolver;
import dev.latchkey.workspace.Workspace;

/**
 * The Elastic App Search Credentials API (seed 002) translated onto Latchkey keys: {@code private} = service key with
 * {@code read}/{@code write}, {@code search} = service key with {@code search}, {@code admin} = admin key; engines are
 * the organization's workspace slugs. No rule of its own beyond Elastic's stricter names: issuing, authority, hashing
 * and audit are {@link KeyService}'s.
 */
@ApplicationScoped
@Transactional
public class ElasticService {

    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final CallerResolver callers;
    private final KeyService keys;
    private final ObjectMapper json;

    public ElasticService(CallerResolver callers, KeyService keys, ObjectMapper json) {
        this.callers = callers;
        this.keys = keys;
        this.json = json;
    }

    /** One page of the keys this API sees: the organization's admin keys and the keys created here. */
    public ObjectNode list(String current, String size) {
        Organization org = organization();
        int page = positive(current, 1, Integer.MAX_VALUE, "page[current]");
        int pageSize = positive(size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, "page[size]");
        var query = ApiKey.find(VISIBLE + " order by id", org.id);
        long total = query.count();
        List<ApiKey> rows = query.page(page - 1, pageSize).list();
        Map<Long, String> slugs = slugs(rows);
        ObjectNode out = json.createObjectNode();
        out.set("meta", meta(page, (int) ((total + pageSize - 1) / pageSize), total, pageSize));
        ArrayNode results = out.putArray("results");
        rows.forEach(k -> results.add(credential(k, slugs, null)));
        return out;
    }

    /** One key by name. */
    public ObjectNode get(String name) {
        Organization org = organization();
        ApiKey k = find(org, name);
        return single(credential(k, slugs(List.of(k)), null));
    }

    /** Creates a private, search or admin key; the full key is in this answer only. */
    public ObjectNode create(JsonNode body) {
        Organization org = organization();
        ObjectNode b = object(body);
        List<String> errors = new ArrayList<>();
        String name = name(b, errors);
        String type = text(b, "type");
        if (type == null || !List.of("private", "search", "admin").contains(type)) {
            errors.add("Type must be one of private, search, admin");
        }
        List<String> permissions = type == null ? null : permissions(type, b, errors, true);
        ScopeInput scope = "admin".equals(type) || type == null ? null : scope(org, type, b, errors);
        if ("admin".equals(type) && (b.has("engines") || b.has("access_all_engines"))) {
            errors.add("Admin keys cannot be scoped to engines");
        }
        if (name != null && ApiKey.count("organizationId = ?1 and name = ?2 and deletedAt is null", org.id, name) > 0) {
            errors.add("Name has already been taken");
        }
        if (!errors.isEmpty()) {
            throw elastic(400, errors);
        }
        KeyPrefix prefix = switch (type) {
        case "private" -> KeyPrefix.ELASTIC_PRIVATE;
        case "search" -> KeyPrefix.ELASTIC_SEARCH;
        default -> KeyPrefix.ELASTIC_ADMIN;
        };
        KeyKind kind = prefix.kind();
        CreateKey request = new CreateKey(kind.wire(), name, null, kind == KeyKind.ADMIN ? null : permissions, scope,
                null, null, null, null);
        KeyWithSecret created = keys.create(org.slug, request, prefix, KeyService.ORIGIN_ELASTIC);
        ApiKey k = ApiKey.findByKeyId(created.view().id()).orElseThrow();
        return single(credential(k, slugs(List.of(k)), created.key()));
    }

    /** Updates name, read/write and engines; the type never changes. */
    public ObjectNode update(String currentName, JsonNode body) {
        Organization org = organization();
        ApiKey k = find(org, currentName);
        ObjectNode b = object(body);
        String type = typeOf(k);
        List<String> errors = new ArrayList<>();
        String name = name(b, errors);
        String asked = text(b, "type");
        if (b.has("type") && !type.equals(asked)) {
            errors.add("Cannot change the type of a key");
        }
        List<String> permissions = permissions(type, b, errors, true);
        ScopeInput scope = "admin".equals(type) ? null : scope(org, type, b, errors);
        if ("admin".equals(type) && (b.has("engines") || b.has("access_all_engines"))) {
            errors.add("Admin keys cannot be scoped to engines");
        }
        if (name != null && !name.equals(k.name)
                && ApiKey.count("organizationId = ?1 and name = ?2 and deletedAt is null", org.id, name) > 0) {
            errors.add("Name has already been taken");
        }
        if (!errors.isEmpty()) {
            throw elastic(400, errors);
        }
        ObjectNode patch = json.createObjectNode();
        patch.put("name", name);
        if (!"admin".equals(type)) {
            patch.set("permissions", json.valueToTree(permissions));
            patch.set("scope", json.valueToTree(scope));
        }
        keys.update(org.slug, k.keyId, patch);
        ApiKey updated = ApiKey.findByKeyId(k.keyId).orElseThrow();
        return single(credential(updated, slugs(List.of(updated)), null));
    }

    /** Deletes (revokes and hides) a key. */
    public ObjectNode delete(String name) {
        Organization org = organization();
        ApiKey k = find(org, name);
        keys.delete(org.slug, k.keyId);
        ObjectNode out = json.createObjectNode();
        out.put("deleted", true);
        return out;
    }

    // -------------------------------------------------------------------------------- helpers

    private static final String VISIBLE = "organizationId = ?1 and deletedAt is null and revokedAt is null"
            + " and (kind = 'admin' or origin = 'elastic')";

    /** The caller must be an admin key; its organization is the scope. */
    private Organization organization() {
        Caller caller;
        try {
            caller = callers.current();
        } catch (ApiException e) {
            throw elastic(401, List.of("Invalid credentials"));
        }
        if (!(caller instanceof Caller.Key key) || key.kind() != KeyKind.ADMIN) {
            throw elastic(401, List.of("Invalid credentials: the credentials endpoint requires a private admin key"));
        }
        return Organization.findById(key.organizationId());
    }

    private static ApiKey find(Organization org, String name) {
        return ApiKey.<ApiKey> find(VISIBLE + " and name = ?2", org.id, name).firstResultOptional()
                .orElseThrow(() -> elastic(404, List.of("Could not find resource")));
    }

    private ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw elastic(400, List.of("The request body must be a JSON object"));
        }
        return (ObjectNode) body;
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

    private static List<String> permissions(String type, ObjectNode b, List<String> errors, boolean required) {
        if ("private".equals(type)) {
            List<String> perms = new ArrayList<>();
            for (String f : List.of("read", "write")) {
                JsonNode v = b.get(f);
                if (v == null) {
                    if (required) {
                        errors.add(capital(f) + " is required for private keys");
                    }
                } else if (!v.isBoolean()) {
                    errors.add(capital(f) + " must be true or false");
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

    private ScopeInput scope(Organization org, String type, ObjectNode b, List<String> errors) {
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
        if (all != null && all.booleanValue() && hasEngines) {
            errors.add("Engines must not be given when access_all_engines is true");
            return null;
        }
        if (!hasEngines) {
            if (all != null && !all.booleanValue()) {
                errors.add("Engines are required when access_all_engines is false");
                return null;
            }
            return new ScopeInput("organization", null, null, true); // Elastic's default: all engines
        }
        List<String> slugs = new ArrayList<>(new LinkedHashSet<>(strings(engines)));
        for (String slug : slugs) {
            if (Workspace.findLive(org.id, slug).isEmpty()) {
                errors.add("Engine '" + slug + "' does not exist");
            }
        }
        return new ScopeInput("organization", null, slugs, null);
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

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static int positive(String value, int dflt, int max, String field) {
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

    static String typeOf(ApiKey k) {
        if (KeyKind.ADMIN.wire().equals(k.kind)) {
            return "admin";
        }
        return KeyPrefix.ELASTIC_SEARCH.stored().equals(k.prefix) ? "search" : "private";
    }

    /** A key as the seed shows it; {@code fullKey} only in the create answer, the masked form otherwise. */
    private ObjectNode credential(ApiKey k, Map<Long, String> slugs, String fullKey) {
        ObjectNode c = json.createObjectNode();
        c.put("name", k.name);
        c.put("key", fullKey != null ? fullKey : KeyFormat.mask(KeyPrefix.fromStored(k.prefix), k.keyId, k.keySuffix));
        String type = typeOf(k);
        c.put("type", type);
        if ("admin".equals(type)) {
            return c;
        }
        List<String> perms = k.permissions == null ? List.of() : Arrays.asList(k.permissions);
        if ("private".equals(type)) {
            c.put("read", perms.contains("read"));
            c.put("write", perms.contains("write"));
        }
        c.put("access_all_engines", k.allWorkspaces);
        if (!k.allWorkspaces) {
            ArrayNode engines = c.putArray("engines");
            k.workspaceIds.stream().map(slugs::get).filter(s -> s != null).sorted().forEach(engines::add);
        }
        return c;
    }

    /** A single object: its fields at the top level and the seed's meta/results wrapper around it. */
    private ObjectNode single(ObjectNode credential) {
        ObjectNode out = credential.deepCopy();
        out.set("meta", meta(1, 1, 1, DEFAULT_PAGE_SIZE));
        out.putArray("results").add(credential);
        return out;
    }

    private ObjectNode meta(int current, int totalPages, long totalResults, int size) {
        ObjectNode meta = json.createObjectNode();
        ObjectNode page = meta.putObject("page");
        page.put("current", current);
        page.put("total_pages", totalPages);
        page.put("total_results", totalResults);
        page.put("size", size);
        return meta;
    }

    private static Map<Long, String> slugs(List<ApiKey> keys) {
        return Workspace.slugsById(keys.stream().flatMap(k -> k.workspaceIds.stream()).toList());
    }

    /** An error with Elastic's messages (rendered as {@code {"errors": [...]}} under /api/as/). */
    static ApiException elastic(int status, List<String> errors) {
        return switch (status) {
        case 401 -> ApiException.unauthorized(errors.get(0));
        case 404 -> ApiException.notFoundDetail(errors.get(0));
        default -> ApiException.invalid(errors.stream().map(m -> new ApiException.FieldError(null, m)).toList());
        };
    }
}
