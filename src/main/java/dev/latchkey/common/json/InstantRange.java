package dev.latchkey.common.json;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import dev.latchkey.common.Instants;

/**
 * Instants read from JSON must lie in years 1 to 9999 (ISO-8601's four-digit years; PostgreSQL's timestamptz and every
 * client library hold them). Jackson alone accepts any {@code Instant}, so {@code "expiresAt": 99999999999999} reached
 * the database and failed there.
 */
public final class InstantRange {

    private InstantRange() {
    }

    /** A module wrapping whatever deserializer Jackson uses for {@code Instant} with the range check. */
    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("latchkey-instant-range");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                    JsonDeserializer<?> deserializer) {
                return desc.getBeanClass() == Instant.class ? new Checked(deserializer) : deserializer;
            }
        });
        return module;
    }

    static final class Checked extends DelegatingDeserializer {

        private static final long serialVersionUID = 1L;

        Checked(JsonDeserializer<?> d) {
            super(d);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Checked(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object value = super.deserialize(p, ctxt);
            if (value instanceof Instant i && !Instants.storable(i)) {
                return ctxt.handleWeirdStringValue(Instant.class, p.getText(), "out of range: years 1 to 9999 only");
            }
            return value;
        }
    }
}
