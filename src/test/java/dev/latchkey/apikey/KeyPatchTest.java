package dev.latchkey.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.vocabulary.KeyKind;

/** The merge-patch reader on its own: absent vs null, shapes, immutable and unknown fields, admin keys' limits. */
class KeyPatchTest {

    private final ObjectMapper json = new ObjectMapper();

    private KeyPatch.Changes parse(String body, KeyKind kind, List<FieldError> errors) throws Exception {
        return KeyPatch.parse(json.readTree(body), kind, json, errors);
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void absentFieldsAreNotGivenAndNullClears() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        KeyPatch.Changes empty = parse("{}", KeyKind.SERVICE, errors);
        assertFalse(empty.grantGiven() || empty.metaGiven() || empty.rateLimitGiven() || empty.ipAllowlistGiven());
        assertNull(empty.name());
        assertNull(empty.enabled());
        KeyPatch.Changes cleared = parse("{\"meta\": null, \"rateLimit\": null, \"ipAllowlist\": null}",
                KeyKind.SERVICE, errors);
        assertTrue(cleared.metaGiven() && cleared.rateLimitGiven() && cleared.ipAllowlistGiven());
        assertNull(cleared.meta());
        assertNull(cleared.rateLimit());
        assertNull(cleared.ipAllowlist());
        assertEquals(List.of(), errors);
    }

    @Test
    void givenValuesAreTyped() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        KeyPatch.Changes c = parse(
                "{\"name\": \"n\", \"permissions\": [\"a:read\"], \"enabled\": false, "
                        + "\"scope\": {\"type\": \"workspace\", \"workspace\": \"w\"}, \"meta\": {\"team\": \"x\"}, "
                        + "\"rateLimit\": {\"limit\": 5, \"windowSeconds\": 60}, \"ipAllowlist\": [\"10.0.0.0/8\"]}",
                KeyKind.SERVICE, errors);
        assertEquals(List.of(), errors);
        assertEquals("n", c.name());
        assertTrue(c.grantGiven());
        assertNull(c.role());
        assertEquals(List.of("a:read"), c.permissions());
        assertEquals(Boolean.FALSE, c.enabled());
        assertEquals("w", c.scope().workspace());
        assertEquals(Map.of("team", "x"), c.meta());
        assertEquals(5, c.rateLimit().limit());
        assertEquals(List.of("10.0.0.0/8"), c.ipAllowlist());
    }

    @Test
    void immutableUnknownAndMisshapenFieldsAreNamed() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        parse("{\"kind\": \"admin\", \"expiresAt\": null, \"colour\": 1, \"enabled\": \"yes\", \"ipAllowlist\": \"x\", "
                + "\"permissions\": [1], \"meta\": [], \"scope\": null, \"rateLimit\": {\"limit\": \"many\"}, \"name\": 5}",
                KeyKind.SERVICE, errors);
        assertEquals(List.of("kind", "expiresAt", "colour", "enabled", "ipAllowlist", "meta", "scope", "rateLimit",
                "name", "permissions[0]"), fields(errors));
    }

    @Test
    void adminKeysTakeNoRoleOrScope() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        KeyPatch.Changes c = parse("{\"role\": \"viewer\", \"scope\": {\"type\": \"workspace\", \"workspace\": \"w\"}}",
                KeyKind.ADMIN, errors);
        assertEquals(List.of("scope", "role"), fields(errors));
        assertFalse(c.grantGiven());
        assertNull(c.scope());
    }

    @Test
    void aPatchMustBeAnObject() {
        ApiException e = assertThrows(ApiException.class, () -> parse("[1]", KeyKind.SERVICE, new ArrayList<>()));
        assertEquals(400, e.status());
        assertEquals("body", e.errors().get(0).field());
    }
}
