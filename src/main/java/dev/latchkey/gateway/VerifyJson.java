package dev.latchkey.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

import dev.latchkey.keycache.CachedKey;
import dev.latchkey.verify.Decision;

/** Writes verify answers with Jackson's streaming generator: small, allocation-light, exact field order. */
@Singleton
public class VerifyJson {

    private final JsonFactory factory;

    public VerifyJson(ObjectMapper mapper) {
        this.factory = mapper.getFactory();
    }

    /** The body of a /verify answer (and of /authorize denials). */
    public Buffer write(Decision d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanField("valid", d.valid());
            g.writeStringField("code", d.code().name());
            CachedKey k = d.key();
            if (k != null) {
                g.writeStringField("keyId", k.keyId());
                g.writeStringField("name", k.name());
                g.writeStringField("kind", k.kind().wire());
                g.writeStringField("organization", d.org().slug());
                strings(g, "workspaces", k.coveredWorkspaces(d.org()));
                g.writeStringField("actor", k.actor());
                strings(g, "permissions", d.permissions() != null ? d.permissions() : k.grant(d.org()).permissions());
                instant(g, "expiresAt", k.expiresAt());
                if (d.rate() != null) {
                    g.writeObjectFieldStart("rateLimit");
                    g.writeNumberField("limit", d.rate().limit());
                    g.writeNumberField("remaining", d.rate().remaining());
                    instant(g, "resetAt", Instant.ofEpochSecond(d.rate().resetAtEpochSecond()));
                    g.writeEndObject();
                } else {
                    g.writeNullField("rateLimit");
                }
                if (k.quota() != null && d.quota() != null) {
                    g.writeObjectFieldStart("quota");
                    g.writeNumberField("remaining", d.quota().remaining());
                    instant(g, "refillAt",
                            d.quota().refillAt() == null ? null : Instant.ofEpochMilli(d.quota().refillAt()));
                    g.writeEndObject();
                }
                g.writeFieldName("meta");
                if (k.metaJson() == null) {
                    g.writeNull();
                } else {
                    g.writeRawValue(k.metaJson());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static void strings(JsonGenerator g, String field, Collection<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value.toString());
        }
    }
}
