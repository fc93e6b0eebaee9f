package dev.latchkey.role;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
    public Response create(@PathParam("org") String org, @NotNull @Valid CreateRole request) {
        RoleView r = roles.create(org, request);
        return Response.created(URI.create("/api/v1/orgs/" + org + "/roles/" + r.name())).entity(r).build();
    }

    @GET
    @Path("/{role}")
    public RoleView get(@PathParam("org") String org, @PathParam("role") String role) {
        return roles.get(org, role);
    }

    @PUT
    @Path("/{role}")
    public RoleView update(@PathParam("org") String org, @PathParam("role") String role,
            @NotNull @Valid UpdateRole request) {
        return roles.update(org, role, request);
    }

    @DELETE
    @Path("/{role}")
    public Response delete(@PathParam("org") String org, @PathParam("role") String role) {
        roles.delete(org, role);
        return Response.noContent().build();
    }
}
