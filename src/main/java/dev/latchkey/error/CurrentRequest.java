package dev.latchkey.error;

/**
 * The request an error answers (a request-scoped bean, common/http/RequestInfo): its id, quoted in the problem and
 * echoed in {@code X-Request-Id}, and its path, which picks the {@link ErrorShape}.
 */
public interface CurrentRequest {

    String requestId();

    /** The request's path (not decoded). */
    String path();
}
