package dev.latchkey.role;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.common.Page;
import dev.latchkey.role.RoleDtos.CreateRole;
import dev.latchkey.role.RoleDtos.RoleView;
import dev.latchkey.role.RoleDtos.UpdateRole;

/** {@code /api/v1/orgs/{org}/roles}. */
@Path("/api/v1/orgs/{org}/roles")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RoleResource {

    private final RoleService roles;

    public RoleResource(RoleService roles) {
        this.roles = roles;
    }

    @GET
    public Page<RoleView> list(@PathParam("org") String org, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return roles.list(org, limit, cursor);
    }

    @POST
    public Response create(@Context UriInfo uri, @PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateRole.class))) JsonNode body) {
        RoleView r = roles.create(org, body);
        return Response.created(uri.getAbsolutePathBuilder().path(r.name()).build()).entity(r).build();
    }

    @GET
    @Path("/{role}")
    public RoleView get(@PathParam("org") String org, @PathParam("role") String role) {
        return roles.get(org, role);
    }

    @PUT
    @Path("/{role}")
    public RoleView update(@PathParam("org") String org, @PathParam("role") String role,
            @RequestBody(content = @Content(schema = @Schema(implementation = UpdateRole.class))) JsonNode body) {
        return roles.update(org, role, body);
    }

    @DELETE
    @Path("/{role}")
    public Response delete(@PathParam("org") String org, @PathParam("role") String role) {
        roles.delete(org, role);
        return Response.noContent().build();
    }
}
