package dev.latchkey.member;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import dev.latchkey.member.MemberDtos.MemberView;
import dev.latchkey.member.MemberDtos.PutMember;

/** {@code /api/v1/orgs/{org}/members}. */
@Path("/api/v1/orgs/{org}/members")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MemberResource {

    private final MemberService members;

    public MemberResource(MemberService members) {
        this.members = members;
    }

    @GET
    public Page<MemberView> list(@PathParam("org") String org, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return members.list(org, limit, cursor);
    }

    @PUT
    @Path("/{subject}")
    public Response put(@Context UriInfo uri, @PathParam("org") String org, @PathParam("subject") String subject,
            @RequestBody(content = @Content(schema = @Schema(implementation = PutMember.class))) JsonNode body) {
        MemberService.Result result = members.put(org, subject, body);
        if (result.created()) {
            return Response.created(uri.getAbsolutePath()).entity(result.member()).build();
        }
        return Response.ok(result.member()).build();
    }

    @GET
    @Path("/{subject}")
    public MemberView get(@PathParam("org") String org, @PathParam("subject") String subject) {
        return members.get(org, subject);
    }

    @DELETE
    @Path("/{subject}")
    public Response remove(@PathParam("org") String org, @PathParam("subject") String subject) {
        members.remove(org, subject);
        return Response.noContent().build();
    }
}
