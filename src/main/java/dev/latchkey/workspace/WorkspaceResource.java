package dev.latchkey.workspace;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
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
import dev.latchkey.workspace.WorkspaceDtos.CreateWorkspace;
import dev.latchkey.workspace.WorkspaceDtos.UpdateWorkspace;
import dev.latchkey.workspace.WorkspaceDtos.WorkspaceView;

/** {@code /api/v1/orgs/{org}/workspaces}. */
@Path("/api/v1/orgs/{org}/workspaces")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkspaceResource {

    private final WorkspaceService workspaces;

    public WorkspaceResource(WorkspaceService workspaces) {
        this.workspaces = workspaces;
    }

    @GET
    public Page<WorkspaceView> list(@PathParam("org") String org, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return workspaces.list(org, limit, cursor);
    }

    @POST
    public Response create(@Context UriInfo uri, @PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateWorkspace.class))) JsonNode body) {
        WorkspaceView w = workspaces.create(org, body);
        return Response.created(uri.getAbsolutePathBuilder().path(w.slug()).build()).entity(w).build();
    }

    @GET
    @Path("/{ws}")
    public WorkspaceView get(@PathParam("org") String org, @PathParam("ws") String ws) {
        return workspaces.get(org, ws);
    }

    @PATCH
    @Path("/{ws}")
    public WorkspaceView update(@PathParam("org") String org, @PathParam("ws") String ws,
            @RequestBody(content = @Content(schema = @Schema(implementation = UpdateWorkspace.class))) JsonNode body) {
        return workspaces.update(org, ws, body);
    }

    @DELETE
    @Path("/{ws}")
    public Response delete(@PathParam("org") String org, @PathParam("ws") String ws) {
        workspaces.delete(org, ws);
        return Response.noContent().build();
    }
}
