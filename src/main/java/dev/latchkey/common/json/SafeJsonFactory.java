package dev.latchkey.common.json;

import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.MappingJsonFactory;

import dev.latchkey.error.UnstorableText;
import dev.latchkey.vocabulary.Text;

/**
 * The JSON factory of the application's {@code ObjectMapper}: every parser it makes refuses a string or field name that
 * could not be stored ({@link Text#unstorable}), whatever reads it next — a typed DTO, a {@code Map} for {@code meta},
 * or the tree of a merge patch. One place instead of a check per field.
 */
public class SafeJsonFactory extends MappingJsonFactory {

    private static final long serialVersionUID = 1L;

    public SafeJsonFactory() {
        super();
    }

    /** A copy with the same settings (read constraints, features), as {@link JsonFactory#copy()} makes. */
    protected SafeJsonFactory(SafeJsonFactory src) {
        super(src, null);
    }

    @Override
    protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(in, ctxt));
    }

    @Override
    protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(r, ctxt));
    }

    @Override
    protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
            throws IOException {
        return new Checked(super._createParser(data, offset, len, ctxt, recyclable));
    }

    @Override
    protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(data, offset, len, ctxt));
    }

    @Override
    protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(input, ctxt));
    }

    @Override
    public JsonFactory copy() {
        return new SafeJsonFactory(this);
    }

    /**
     * Checks each string and field name as the parser reaches it. The other {@code next...} methods of
     * {@link JsonParser} (nextFieldName, nextTextValue, ...) are implemented on top of {@link #nextToken()}, which
     * {@link JsonParserDelegate} does not override, so they pass through here too.
     */
    static final class Checked extends JsonParserDelegate {

        Checked(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return check(delegate.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken(); // as JsonParser's own: a field name is stepped over, after being checked
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }

        private JsonToken check(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING && Text.unstorable(delegate.getText())) {
                throw new UnstorableText(this);
            }
            if (t == JsonToken.FIELD_NAME && Text.unstorable(delegate.currentName())) {
                throw new UnstorableText(this);
            }
            return t;
        }
    }
}
