package dev.latchkey.elastic;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.error.ApiException;

/**
 * {@code /api/as/v1/credentials}: Elastic App Search's Credentials API, request for request (seed 002), authenticated
 * by admin keys. Pure translation onto the key service; errors are rendered in Elastic's shape {@code {"errors":
 * [...]}} by the shared error path ({@code error/Problems}).
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
    public ObjectNode list(@QueryParam("page[current]") String current, @QueryParam("page[size]") String size) {
        return elastic.list(current, size);
    }

    @POST
    public ObjectNode create(String body) {
        return elastic.create(parse(body));
    }

    @GET
    @Path("/{name}")
    public ObjectNode get(@PathParam("name") String name) {
        return elastic.get(name);
    }

    @PUT
    @Path("/{name}")
    public ObjectNode update(@PathParam("name") String name, String body) {
        return elastic.update(name, parse(body));
    }

    @DELETE
    @Path("/{name}")
    public ObjectNode delete(@PathParam("name") String name) {
        return elastic.delete(name);
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (Exception e) {
            throw ApiException.badRequest("malformed_json", "The request body is not valid JSON");
        }
    }

}
