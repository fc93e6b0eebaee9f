package dev.latchkey.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The URI check alone: percent-decoded bytes must be UTF-8 without NUL. */
class UnstorableInputFilterTest {

    @Test
    void decodesPercentEscapesAsUtf8() {
        assertEquals(true, UnstorableInputFilter.storableUri("/api/v1/orgs/acme/workspaces?limit=5"));
        assertEquals(true, UnstorableInputFilter.storableUri("/w/caf%C3%A9"), "é");
        assertEquals(true, UnstorableInputFilter.storableUri("/w/%F0%9F%9A%80"), "a rocket (4 bytes)");
        assertEquals(true, UnstorableInputFilter.storableUri("/w/%zz"), "a malformed escape is left to later layers");
        assertEquals(false, UnstorableInputFilter.storableUri("/w/%00"), "NUL");
        assertEquals(false, UnstorableInputFilter.storableUri("/w?actor=a%00b"), "NUL in a query value");
        assertEquals(false, UnstorableInputFilter.storableUri("/w/%C3%28"), "an invalid continuation byte");
        assertEquals(false, UnstorableInputFilter.storableUri("/w/%ED%A0%80"), "an encoded surrogate");
        assertEquals(false, UnstorableInputFilter.storableUri("/w/%C0%80"), "an overlong NUL");
        assertEquals(false, UnstorableInputFilter.storableUri("/w/%FF"), "not UTF-8 at all");
    }
}
