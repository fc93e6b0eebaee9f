package dev.latchkey.error;

/**
 * How errors are written under one path prefix when not as problem+json. A feature that speaks another API's error
 * language registers one as a bean (the Elastic-compatible API: {@code elastic/ElasticErrors}); {@link ProblemMapper}
 * picks it by the request's path. The headers ({@code WWW-Authenticate}, {@code Retry-After}) are the same for every
 * shape: {@link Problems#headers}.
 */
public interface ErrorShape {

    /** The paths this shape answers for, e.g. {@code /api/as/}. */
    String pathPrefix();

    int status(ApiException e);

    String mediaType();

    String body(ApiException e, String requestId);
}
