package dev.latchkey.elastic;

import java.util.List;

/** An error of the Elastic-compatible API, answered in Elastic's shape: {@code {"errors": ["…"]}}. */
public class ElasticException extends RuntimeException {

    private final int status;
    private final List<String> errors;

    public ElasticException(int status, List<String> errors) {
        super(String.join("; ", errors), null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public List<String> errors() {
        return errors;
    }
}
