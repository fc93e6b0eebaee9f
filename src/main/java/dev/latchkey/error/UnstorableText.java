package dev.latchkey.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * A JSON string or field name holding NUL or an unpaired surrogate, which PostgreSQL cannot store: raised by the parser
 * as it reads (common/json/SafeJsonFactory), answered 400 {@code invalid_characters} ({@link StatusMap}).
 */
public final class UnstorableText extends JsonParseException {

    private static final long serialVersionUID = 1L;

    public UnstorableText(JsonParser p) {
        super(p, "Text may not contain NUL characters or unpaired surrogates");
    }
}
