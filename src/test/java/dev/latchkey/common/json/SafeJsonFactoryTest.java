package dev.latchkey.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.error.UnstorableText;

/** The parser wrapper alone: every way Jackson reads text passes the check; stored text is unchanged. */
class SafeJsonFactoryTest {

    record Named(String name, List<String> tags) {
    }

    private final ObjectMapper json = new ObjectMapper(new SafeJsonFactory());

    @Test
    void nulAndUnpairedSurrogatesAreRefusedWhateverReadsThem() {
        for (String body : List.of("{\"name\": \"a\\u0000b\"}", "{\"name\": \"\\ud800\"}", "{\"name\": \"x\\udc00\"}",
                "{\"name\": \"ok\", \"tags\": [\"\\u0000\"]}", "{\"na\\u0000me\": 1}")) {
            assertRefused(() -> json.readTree(body), body);
            assertRefused(() -> json.readValue(body, Map.class), body);
            assertRefused(() -> json.readValue(body.getBytes(), Map.class), body);
        }
        assertRefused(() -> json.readValue("{\"name\": \"\\u0000\"}", Named.class), "record field");
        assertRefused(() -> json.readValue("{\"name\": \"n\", \"tags\": [\"\\ud800\"]}", Named.class), "list element");
    }

    /**
     * Refused by the wrapper: its exception, or one Jackson wrapped it in (with the path), which the error map unwraps.
     */
    private static void assertRefused(org.junit.jupiter.api.function.Executable read, String label) {
        Throwable t = assertThrows(Exception.class, read, label);
        while (t != null && !(t instanceof UnstorableText)) {
            t = t.getCause();
        }
        assertEquals(UnstorableText.class, t == null ? null : t.getClass(), label);
    }

    @Test
    void storableTextIsReadUnchanged() throws Exception {
        JsonNode n = json.readTree("{\"name\": \"rocket \\ud83d\\ude80 caf\u00e9\", \"tags\": [\"a\", \"b\"]}");
        assertEquals("rocket \uD83D\uDE80 caf\u00e9", n.get("name").textValue());
        assertEquals(new Named("x", List.of("y")), json.readValue("{\"name\": \"x\", \"tags\": [\"y\"]}", Named.class));
    }

    @Test
    void aCopyKeepsTheCheckAndTheReadConstraints() {
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(3).build());
        ObjectMapper copy = json.copy();
        assertRefused(() -> copy.readTree("{\"a\": \"\\u0000\"}"), "copy");
        assertThrows(StreamConstraintsException.class, () -> copy.readTree("[[[[1]]]]"));
    }
}
