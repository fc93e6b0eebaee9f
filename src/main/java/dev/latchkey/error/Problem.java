package dev.latchkey.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details with Latchkey's stable {@code code} and optional field errors. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String code, String requestId,
        List<ApiException.FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String code, String title, String detail, String requestId,
            List<ApiException.FieldError> errors) {
        return new Problem("about:blank", title, status, detail, code, requestId, errors);
    }
}
