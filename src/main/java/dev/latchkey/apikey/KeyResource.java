package dev.latchkey.apikey;

import java.time.Instant;

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

import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyDtos.KeyWithSecret;
import dev.latchkey.apikey.KeyDtos.Rotate;
import dev.latchkey.common.Page;
import dev.latchkey.common.http.Param;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.KeyState;

/** {@code /api/v1/orgs/{org}/keys}: the native key-management API (JWT or admin key). */
@Path("/api/v1/orgs/{org}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final KeyService keys;
    private final KeyQueries queries;
    private final KeyLifecycle lifecycle;

    public KeyResource(KeyService keys, KeyQueries queries, KeyLifecycle lifecycle) {
        this.keys = keys;
        this.queries = queries;
        this.lifecycle = lifecycle;
    }

    @GET
    public Page<KeyView> list(@PathParam("org") String org, @QueryParam("kind") Param<KeyKind> kind,
            @QueryParam("workspace") String workspace, @QueryParam("state") Param<KeyState> state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return queries.list(org, kind, workspace, state, limit, cursor);
    }

    @POST
    public Response create(@Context UriInfo uri, @PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateKey.class))) JsonNode body) {
        KeyWithSecret created = keys.create(org, body);
        return Response.created(uri.getAbsolutePathBuilder().path(created.view().id()).build()).entity(created).build();
    }

    @GET
    @Path("/{keyId}")
    public KeyView get(@PathParam("org") String org, @PathParam("keyId") String keyId) {
        return queries.get(org, keyId);
    }

    @PATCH
    @Path("/{keyId}")
    public KeyView update(@PathParam("org") String org, @PathParam("keyId") String keyId,
            @RequestBody(content = @Content(schema = @Schema(implementation = KeyDtos.UpdateKey.class))) JsonNode patch) {
        return keys.update(org, keyId, patch);
    }

    @DELETE
    @Path("/{keyId}")
    public Response delete(@PathParam("org") String org, @PathParam("keyId") String keyId) {
        lifecycle.delete(org, keyId);
        return Response.noContent().build();
    }

    @GET
    @Path("/{keyId}/usage")
    public KeyDtos.UsageView usage(@PathParam("org") String org, @PathParam("keyId") String keyId,
            @QueryParam("from") Param<Instant> from, @QueryParam("to") Param<Instant> to) {
        return queries.usage(org, keyId, from, to);
    }

    @POST
    @Path("/{keyId}/revoke")
    public KeyView revoke(@PathParam("org") String org, @PathParam("keyId") String keyId) {
        return lifecycle.revoke(org, keyId);
    }

    @POST
    @Path("/{keyId}/report-leak")
    public KeyView reportLeak(@PathParam("org") String org, @PathParam("keyId") String keyId,
            @RequestBody(content = @Content(schema = @Schema(implementation = KeyDtos.ReportLeak.class))) JsonNode body) {
        return lifecycle.reportLeak(org, keyId, body);
    }

    @POST
    @Path("/{keyId}/rotate")
    public KeyWithSecret rotate(@PathParam("org") String org, @PathParam("keyId") String keyId,
            @RequestBody(content = @Content(schema = @Schema(implementation = Rotate.class))) JsonNode body) {
        return lifecycle.rotate(org, keyId, body);
    }
}
