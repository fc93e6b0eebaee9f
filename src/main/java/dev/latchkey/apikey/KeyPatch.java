package dev.latchkey.apikey;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.apikey.KeyDtos.RateLimitInput;
import dev.latchkey.apikey.KeyDtos.ScopeInput;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.vocabulary.KeyKind;

/**
 * A key's JSON merge patch read field by field (RFC 7396: an absent field is unchanged, null clears an optional one):
 * which fields were given, with what typed value, and what is wrong with their shape. Pure — no database; the field
 * rules ({@link KeyRules}) are the caller's next step.
 */
final class KeyPatch {

    /** What a patch asks for; the {@code ...Given} flags tell an absent field from a null one. */
    record Changes(String name, boolean grantGiven, String role, List<String> permissions, ScopeInput scope,
            Boolean enabled, boolean metaGiven, Map<String, Object> meta, boolean rateLimitGiven,
            RateLimitInput rateLimit, boolean ipAllowlistGiven, List<String> ipAllowlist, boolean routesGiven,
            List<KeyDtos.Route> routes, boolean quotaGiven, KeyDtos.QuotaInput quota) {
    }

    private KeyPatch() {
    }

    /** Reads a patch for a key of {@code kind}; shape errors are added to {@code errors}. */
    static Changes parse(JsonNode patch, KeyKind kind, ObjectMapper json, List<FieldError> errors) {
        if (!(patch instanceof ObjectNode body)) {
            throw ApiException.invalid("body", "must be a JSON object");
        }
        String name = null;
        ScopeInput scope = null;
        Boolean enabled = null;
        Map<String, Object> meta = null;
        RateLimitInput rate = null;
        List<String> allow = null;
        boolean metaGiven = false;
        boolean rateGiven = false;
        boolean allowGiven = false;
        boolean routesGiven = false;
        boolean quotaGiven = false;
        KeyDtos.QuotaInput quota = null;
        List<KeyDtos.Route> routes = null;
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            JsonNode value = body.get(field);
            switch (field) {
            case "name" -> name = text(value, "name", errors);
            case "role", "permissions" -> {
                // read together below
            }
            case "scope" -> {
                if (kind == KeyKind.ADMIN) {
                    errors.add(new FieldError("scope", "admin keys always cover the whole organization"));
                } else if (value.isNull()) {
                    errors.add(new FieldError("scope", "cannot be null"));
                } else {
                    scope = convert(json, value, ScopeInput.class, "scope", errors);
                }
            }
            case "enabled" -> {
                if (value.isBoolean()) {
                    enabled = value.booleanValue();
                } else {
                    errors.add(new FieldError("enabled", "must be true or false"));
                }
            }
            case "meta" -> {
                metaGiven = true;
                if (!value.isNull() && !value.isObject()) {
                    errors.add(new FieldError("meta", "must be a JSON object or null"));
                } else if (value.isObject()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = json.convertValue(value, Map.class);
                    meta = m;
                }
            }
            case "rateLimit" -> {
                rateGiven = true;
                rate = convert(json, value, RateLimitInput.class, "rateLimit", errors);
            }
            case "ipAllowlist" -> {
                allowGiven = true;
                if (!value.isNull() && !value.isArray()) {
                    errors.add(new FieldError("ipAllowlist", "must be an array of CIDRs or null"));
                } else if (value.isArray()) {
                    allow = strings(value, "ipAllowlist", errors);
                }
            }
            case "routes" -> {
                routesGiven = true;
                if (!value.isNull() && !value.isArray()) {
                    errors.add(new FieldError("routes", "must be an array of rules or null"));
                } else if (value.isArray()) {
                    routes = new ArrayList<>();
                    for (int i = 0; i < value.size(); i++) {
                        KeyDtos.Route r = convert(json, value.get(i), KeyDtos.Route.class, "routes[" + i + "]", errors);
                        routes.add(r);
                    }
                }
            }
            case "quota" -> { // replaced as a whole (a new generation); null removes it
                quotaGiven = true;
                quota = value.isNull() ? null : convert(json, value, KeyDtos.QuotaInput.class, "quota", errors);
            }
            case "kind" -> errors.add(new FieldError("kind", "is immutable"));
            case "expiresAt" -> errors.add(new FieldError("expiresAt", "is immutable; create a new key instead"));
            default -> errors.add(new FieldError(field, "unknown field"));
            }
        }
        boolean grantGiven = body.has("role") || body.has("permissions");
        String role = null;
        List<String> permissions = null;
        if (grantGiven && kind == KeyKind.ADMIN) {
            errors.add(new FieldError("role", "admin keys carry no role or permissions"));
            grantGiven = false;
        } else if (grantGiven) {
            JsonNode r = body.get("role");
            JsonNode p = body.get("permissions");
            role = r == null || r.isNull() ? null : text(r, "role", errors);
            permissions = p == null || p.isNull() ? null : strings(p, "permissions", errors);
        }
        return new Changes(name, grantGiven, role, permissions, scope, enabled, metaGiven, meta, rateGiven, rate,
                allowGiven, allow, routesGiven, routes, quotaGiven, quota);
    }

    private static <T> T convert(ObjectMapper json, JsonNode value, Class<T> type, String field,
            List<FieldError> errors) {
        if (value.isNull()) {
            return null;
        }
        try {
            return json.treeToValue(value, type);
        } catch (Exception e) {
            errors.add(new FieldError(field, "has the wrong shape or types"));
            return null;
        }
    }

    private static String text(JsonNode value, String field, List<FieldError> errors) {
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.textValue();
    }

    private static List<String> strings(JsonNode value, String field, List<FieldError> errors) {
        if (!value.isArray()) {
            errors.add(new FieldError(field, "must be an array of strings"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                errors.add(new FieldError(field + "[" + i + "]", "must be a string"));
                return null;
            }
            out.add(value.get(i).textValue());
        }
        return out;
    }
}
