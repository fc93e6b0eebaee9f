package dev.latchkey.organization;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.organization.OrganizationDtos.CreateOrg;
import dev.latchkey.organization.OrganizationDtos.OrgView;
import dev.latchkey.organization.OrganizationDtos.UpdateOrg;

/** {@code /api/v1/orgs}: organizations. */
@Path("/api/v1/orgs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OrganizationResource {

    private final OrganizationService organizations;

    public OrganizationResource(OrganizationService organizations) {
        this.organizations = organizations;
    }

    @POST
    public Response create(@Context UriInfo uri,
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateOrg.class))) JsonNode body) {
        OrgView org = organizations.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(org.slug()).build()).entity(org).build();
    }

    @GET
    @Path("/{org}")
    public OrgView get(@PathParam("org") String org) {
        return organizations.get(org);
    }

    @PATCH
    @Path("/{org}")
    public OrgView update(@PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = UpdateOrg.class))) JsonNode body) {
        return organizations.update(org, body);
    }
}
