package dev.latchkey.apikey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyDtos.ActorView;
import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.RateLimitView;
import dev.latchkey.apikey.KeyDtos.ScopeView;
import dev.latchkey.apikey.format.ImportedValue;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.limit.Quotas;
import dev.latchkey.vocabulary.route.RouteRules;

/** Entity to view: the only way a key leaves the service, always masked. */
final class KeyViews {

    private KeyViews() {
    }

    static KeyView view(ApiKey k, Map<Long, String> slugs, Map<String, List<String>> roles, Instant now,
            Quotas.Live quota) {
        List<String> permissions = k.role != null ? roles.getOrDefault(k.role, List.of()) : List.of(k.permissions);
        return new KeyView(k.keyId, k.name, k.kind, masked(k), k.role, permissions, scope(k, slugs), k.createdAt,
                new ActorView(k.createdByType, k.createdById, k.createdByName), k.expiresAt, k.revokedAt, k.lastUsedAt,
                k.enabled, k.state(now).wire(), k.meta,
                k.rateLimit == null ? null : new RateLimitView(k.rateLimit, k.rateLimitWindowSeconds),
                k.ipAllowlist == null ? null : Arrays.asList(k.ipAllowlist), routes(k.routes), quota(k, quota),
                k.importSystem == null ? null : new KeyDtos.OriginView(k.importSystem, k.importedAt));
    }

    /**
     * Latchkey's masked form, or for a key whose current secret is an imported value: its import prefix (an App Search
     * value's Elastic word when it has none), an ellipsis and its last four characters when they were kept.
     */
    private static String masked(ApiKey k) {
        KeyPrefix prefix = KeyPrefix.fromStored(k.prefix);
        if (!"current".equals(k.importedSecret)) {
            return KeyFormat.mask(prefix, k.keyId, k.keySuffix);
        }
        String shown = !k.importPrefix.isEmpty() ? k.importPrefix : prefix.elastic() ? prefix.text() : "";
        return ImportedValue.mask(shown, k.keySuffix);
    }

    private static KeyDtos.QuotaView quota(ApiKey k, Quotas.Live live) {
        if (k.quotaGeneration == null || live == null) {
            return null;
        }
        return new KeyDtos.QuotaView(live.remaining(),
                k.quotaRefillAmount == null ? null
                        : new KeyDtos.RefillInput(k.quotaRefillAmount, k.quotaRefillInterval),
                live.refillAt() == null ? null : Instant.ofEpochMilli(live.refillAt()));
    }

    /** Stored route rules as shown: {@code {"methods": [...], "path": ...}}, methods left out for any. */
    static List<KeyDtos.Route> routes(String[] stored) {
        RouteRules rules = RouteRules.fromStored(stored);
        return rules == null ? null : rules.rules().stream()
                .map(r -> new KeyDtos.Route(r.methods() == null ? null : List.copyOf(r.methods()), r.path())).toList();
    }

    static ScopeView scope(ApiKey k, Map<Long, String> slugs) {
        List<String> workspaces = k.workspaceIds.stream().map(slugs::get).filter(Objects::nonNull).sorted().toList();
        if ("workspace".equals(k.scopeType)) {
            return new ScopeView("workspace", workspaces.isEmpty() ? null : workspaces.get(0), null, null);
        }
        return k.allWorkspaces ? new ScopeView("organization", null, null, true)
                : new ScopeView("organization", null, workspaces, false);
    }

    /** The audited fields that differ between two views of a key: field -> {from, to}. */
    /** The fields that changed; {@code quota} only when the change set it (its count moves on its own). */
    static Map<String, Object> diff(ObjectMapper json, KeyView before, KeyView after, boolean quotaSet) {
        Map<?, ?> b = json.convertValue(before, Map.class);
        Map<?, ?> a = json.convertValue(after, Map.class);
        Map<String, Object> changes = new LinkedHashMap<>();
        List<String> fields = new ArrayList<>(List.of("name", "role", "permissions", "scope", "enabled", "meta",
                "rateLimit", "ipAllowlist", "routes"));
        if (quotaSet) {
            fields.add("quota");
        }
        for (String f : fields) {
            Object from = b.get(f);
            Object to = a.get(f);
            if (from == null ? to != null : !from.equals(to)) {
                Map<String, Object> change = new HashMap<>();
                change.put("from", from);
                change.put("to", to);
                changes.put(f, change);
            }
        }
        return changes;
    }
}
