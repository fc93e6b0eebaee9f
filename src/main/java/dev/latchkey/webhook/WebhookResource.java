package dev.latchkey.webhook;

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
import dev.latchkey.webhook.WebhookDtos.CreateWebhook;
import dev.latchkey.webhook.WebhookDtos.DeliveryView;
import dev.latchkey.webhook.WebhookDtos.UpdateWebhook;
import dev.latchkey.webhook.WebhookDtos.WebhookView;
import dev.latchkey.webhook.WebhookDtos.WebhookWithSecret;

/** {@code /api/v1/orgs/{org}/webhooks}: endpoints, their deliveries, redelivery and secret rotation. */
@Path("/api/v1/orgs/{org}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @GET
    public Page<WebhookView> list(@PathParam("org") String org, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return webhooks.list(org, limit, cursor);
    }

    @POST
    public Response create(@Context UriInfo uri, @PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateWebhook.class))) JsonNode body) {
        WebhookWithSecret w = webhooks.create(org, body);
        return Response.created(uri.getAbsolutePathBuilder().path(w.view().id()).build()).entity(w).build();
    }

    @GET
    @Path("/{id}")
    public WebhookView get(@PathParam("org") String org, @PathParam("id") String id) {
        return webhooks.get(org, id);
    }

    @PATCH
    @Path("/{id}")
    public WebhookView update(@PathParam("org") String org, @PathParam("id") String id,
            @RequestBody(content = @Content(schema = @Schema(implementation = UpdateWebhook.class))) JsonNode body) {
        return webhooks.update(org, id, body);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("org") String org, @PathParam("id") String id) {
        webhooks.delete(org, id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    public WebhookWithSecret rotateSecret(@PathParam("org") String org, @PathParam("id") String id) {
        return webhooks.rotateSecret(org, id);
    }

    @GET
    @Path("/{id}/deliveries")
    public Page<DeliveryView> deliveries(@PathParam("org") String org, @PathParam("id") String id,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return webhooks.deliveries(org, id, limit, cursor);
    }

    @POST
    @Path("/{id}/deliveries/{delivery}/redeliver")
    public Response redeliver(@PathParam("org") String org, @PathParam("id") String id,
            @PathParam("delivery") String delivery) {
        return Response.accepted(webhooks.redeliver(org, id, delivery)).build();
    }
}
