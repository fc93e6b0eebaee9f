package dev.latchkey.elastic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.error.ApiException;

/**
 * {@code /api/as/v1/credentials}: Elastic App Search's Credentials API, request for request (seed 002), authenticated
 * by admin keys. Errors are Elastic's {@code {"errors": [...]}} with the same 4xx statuses.
 */
@Path("/api/as/v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ElasticResource {

    private final ElasticService elastic;
    private final ObjectMapper json;

    public ElasticResource(ElasticService elastic, ObjectMapper json) {
        this.elastic = elastic;
        this.json = json;
    }

    @GET
    public Response list(@QueryParam("page[current]") String current, @QueryParam("page[size]") String size) {
        return answer(() -> elastic.list(current, size));
    }

    @POST
    public Response create(String body) {
        return answer(() -> elastic.create(parse(body)));
    }

    @GET
    @Path("/{name}")
    public Response get(@PathParam("name") String name) {
        return answer(() -> elastic.get(name));
    }

    @PUT
    @Path("/{name}")
    public Response update(@PathParam("name") String name, String body) {
        return answer(() -> elastic.update(name, parse(body)));
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        return answer(() -> elastic.delete(name));
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (Exception e) {
            throw new ElasticException(400, List.of("The request body is not valid JSON"));
        }
    }

    /** Runs a call outside any transaction and turns every failure into Elastic's error shape. */
    private static Response answer(Supplier<Object> call) {
        try {
            return Response.ok(call.get()).build();
        } catch (ElasticException e) {
            return errors(e.status(), e.errors());
        } catch (ApiException e) {
            List<String> messages = new ArrayList<>();
            e.errors().forEach(f -> messages.add(f.field() + " " + f.message()));
            if (messages.isEmpty()) {
                messages.add(e.getMessage());
            }
            return errors(e.status() == 409 ? 400 : e.status(), messages);
        }
    }

    private static Response errors(int status, List<String> messages) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("errors", messages)).build();
    }
}
