package dev.latchkey.elastic;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyLifecycle;
import dev.latchkey.apikey.KeyQueries;
import dev.latchkey.apikey.KeyService;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.error.ApiException;
import dev.latchkey.security.Caller;
import dev.latchkey.security.CallerResolver;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.vocabulary.KeyKind;

/**
 * The Elastic App Search Credentials API (seed 002) as pure translation onto Latchkey's keys: {@code private} = service
 * key with {@code read}/{@code write}, {@code search} = service key with {@code search}, {@code admin} = admin key;
 * engines are the organization's workspace slugs. Every rule — names unique, engines existing, admin keys unscoped, who
 * may issue what — is the key service's; this class maps requests onto it and its answers and errors back
 * ({@link ElasticTranslation}). Each call is one key-service transaction.
 */
@ApplicationScoped
public class ElasticService {

    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 1000;

    private final CallerResolver callers;
    private final OrgAccess access;
    private final KeyService keys;
    private final KeyLifecycle lifecycle;
    private final KeyQueries queries;
    private final ElasticTranslation translate;
    private final ObjectMapper json;

    public ElasticService(CallerResolver callers, OrgAccess access, KeyService keys, KeyLifecycle lifecycle,
            KeyQueries queries, ElasticTranslation translate, ObjectMapper json) {
        this.lifecycle = lifecycle;
        this.callers = callers;
        this.access = access;
        this.keys = keys;
        this.queries = queries;
        this.translate = translate;
        this.json = json;
    }

    /** One page of the keys this API sees: the organization's admin keys and the keys created here. */
    public ObjectNode list(String current, String size) {
        String org = organization();
        int page = ElasticTranslation.positive(current, 1, Integer.MAX_VALUE, "page[current]");
        int pageSize = ElasticTranslation.positive(size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, "page[size]");
        KeyQueries.NumberedPage rows = queries.byOriginOrAdmin(org, KeyService.ORIGIN_ELASTIC, page, pageSize);
        ObjectNode out = json.createObjectNode();
        out.set("meta", translate.meta(page, (int) ((rows.total() + pageSize - 1) / pageSize), rows.total(), pageSize));
        ArrayNode results = out.putArray("results");
        rows.items().forEach(k -> results.add(translate.credential(k, null)));
        return out;
    }

    /** One key by name. */
    public ObjectNode get(String name) {
        return translate.single(translate.credential(find(organization(), name), null));
    }

    /** Creates a private, search or admin key; the full key is in this answer only. */
    public ObjectNode create(JsonNode body) {
        String org = organization();
        List<String> errors = new ArrayList<>();
        ElasticTranslation.Request r = translate.request(body, null, errors);
        if (!errors.isEmpty()) {
            throw ElasticTranslation.elastic(400, errors);
        }
        KeyPrefix prefix = switch (r.type()) {
        case "private" -> KeyPrefix.ELASTIC_PRIVATE;
        case "search" -> KeyPrefix.ELASTIC_SEARCH;
        default -> KeyPrefix.ELASTIC_ADMIN;
        };
        KeyKind kind = prefix.kind();
        CreateKey request = new CreateKey(kind.wire(), r.name(), null, kind == KeyKind.ADMIN ? null : r.permissions(),
                r.scope(), null, null, null, null, null, null);
        try {
            KeyWithSecret created = keys.create(org, request, prefix, KeyService.ORIGIN_ELASTIC);
            return translate.single(translate.credential(created.view(), created.key()));
        } catch (ApiException e) {
            throw ElasticTranslation.errors(e, r.type());
        }
    }

    /** Updates name, read/write and engines; the type never changes. */
    public ObjectNode update(String currentName, JsonNode body) {
        String org = organization();
        KeyView k = find(org, currentName);
        String type = ElasticTranslation.typeOf(k);
        List<String> errors = new ArrayList<>();
        ElasticTranslation.Request r = translate.request(body, type, errors);
        if (!errors.isEmpty()) {
            throw ElasticTranslation.elastic(400, errors);
        }
        ObjectNode patch = json.createObjectNode();
        patch.put("name", r.name());
        if (!"admin".equals(type)) {
            patch.set("permissions", json.valueToTree(r.permissions()));
        }
        if (r.scope() != null) {
            patch.set("scope", json.valueToTree(r.scope())); // an admin key's: refused by the key service
        }
        try {
            return translate.single(translate.credential(keys.update(org, k.id(), patch), null));
        } catch (ApiException e) {
            throw ElasticTranslation.errors(e, type);
        }
    }

    /** Deletes (revokes and hides) a key. */
    public ObjectNode delete(String name) {
        String org = organization();
        lifecycle.delete(org, find(org, name).id());
        ObjectNode out = json.createObjectNode();
        out.put("deleted", true);
        return out;
    }

    /** The caller must be an admin key; its organization is the scope. */
    private String organization() {
        Caller caller;
        try {
            caller = callers.current();
        } catch (ApiException e) {
            throw ElasticTranslation.elastic(401, List.of("Invalid credentials"));
        }
        if (!(caller instanceof Caller.Key key) || key.kind() != KeyKind.ADMIN) {
            throw ElasticTranslation.elastic(401,
                    List.of("Invalid credentials: the credentials endpoint requires a private admin key"));
        }
        return access.slugOf(key);
    }

    private KeyView find(String org, String name) {
        return queries.byName(org, KeyService.ORIGIN_ELASTIC, name)
                .orElseThrow(() -> ElasticTranslation.elastic(404, List.of("Could not find resource")));
    }
}
