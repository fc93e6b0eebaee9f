package dev.latchkey.error;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Where the REST resources' failures become answers: classified by {@link StatusMap}, written by {@link Problems} —
 * problem+json, or the {@link ErrorShape} registered for the request's path. Nothing a client sends may produce a 5xx;
 * an unexpected failure is logged with the request id and answered without internals.
 */
public class ProblemMapper {

    @Inject
    CurrentRequest requestInfo;

    @Inject
    Instance<ErrorShape> shapes;

    /** Quarkus REST has built-in mappers for these Jackson exceptions; ours must be as specific to win. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response parse(com.fasterxml.jackson.core.JsonParseException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return map(e);
    }

    /** The Bean Validation extension maps violations outside resource parameters to 500; ours are the client's. */
    @ServerExceptionMapper
    public Response violations(jakarta.validation.ConstraintViolationException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response web(jakarta.ws.rs.WebApplicationException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return map(e);
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response map(Throwable e) {
        ApiException api = StatusMap.classify(e);
        if (api == null) {
            StatusMap.LOG.errorf(e, "Unexpected error, request %s", requestInfo.requestId());
            api = ApiException.internal(requestInfo.requestId());
        }
        return answer(api);
    }

    private Response answer(ApiException e) {
        String path = requestInfo.path();
        String requestId = requestInfo.requestId();
        ErrorShape shape = null;
        for (ErrorShape s : shapes) {
            if (path != null && path.startsWith(s.pathPrefix())) {
                shape = s;
            }
        }
        Response.ResponseBuilder builder = shape == null
                ? Response.status(e.status()).type(Problems.MEDIA_TYPE).entity(Problems.json(e, requestId))
                : Response.status(shape.status(e)).type(shape.mediaType()).entity(shape.body(e, requestId));
        Problems.headers(e, builder::header);
        return builder.build();
    }
}
