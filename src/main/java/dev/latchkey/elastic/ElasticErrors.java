package dev.latchkey.elastic;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.ErrorShape;

/**
 * Errors of the Elastic-compatible API as App Search writes them: {@code {"errors": ["…"]}}, {@code application/json},
 * the same statuses as ours except that a conflict (a name already taken) is Elastic's 400.
 */
@ApplicationScoped
public class ElasticErrors implements ErrorShape {

    /** The Elastic-compatible API's paths. */
    static final String PATH_PREFIX = "/api/as/";

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String pathPrefix() {
        return PATH_PREFIX;
    }

    @Override
    public int status(ApiException e) {
        return e.status() == 409 ? 400 : e.status();
    }

    @Override
    public String mediaType() {
        return "application/json";
    }

    /** One message per field error, else the detail. */
    @Override
    public String body(ApiException e, String requestId) {
        List<String> messages = new ArrayList<>();
        for (ApiException.FieldError f : e.errors()) {
            messages.add(f.field() == null ? f.message() : f.field() + " " + f.message());
        }
        if (messages.isEmpty()) {
            messages.add(e.getMessage());
        }
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("errors");
            for (String m : messages) {
                g.writeString(m);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out.toString();
    }
}
