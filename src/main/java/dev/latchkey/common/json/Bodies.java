package dev.latchkey.common.json;

import java.util.Set;

import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.StatusMap;

/**
 * Request bodies read in two steps, so that authorization comes first (README, "Errors"): the resource receives the
 * parsed JSON tree (only its syntax has been checked), the service decides whether the caller may do this at all, and
 * only then reads the tree into its request type — field types, formats and Bean Validation constraints.
 */
@Singleton
public class Bodies {

    private final ObjectMapper json;
    private final Validator validator;

    public Bodies(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** The body as {@code type}, validated; a 400 naming the fields otherwise. */
    public <T> T read(JsonNode body, Class<T> type) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw ApiException.invalid("body", "is required");
        }
        if (!body.isObject()) {
            throw ApiException.invalid("body", "must be a JSON object");
        }
        T value;
        try {
            value = json.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw StatusMap.classify(e);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed_json", "The request body is not of the expected shape");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return value;
    }
}
