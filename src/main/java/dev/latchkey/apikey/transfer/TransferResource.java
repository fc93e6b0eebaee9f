package dev.latchkey.apikey.transfer;

import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.transfer.ImportDtos.ImportRequest;
import dev.latchkey.apikey.transfer.ImportDtos.ImportResult;
import dev.latchkey.common.Page;
import dev.latchkey.common.http.RouteBodyLimit;

/** {@code /api/v1/orgs/{org}/keys/import} and {@code /export}: keys coming from another system, and leaving. */
@Path("/api/v1/orgs/{org}/keys")
public class TransferResource {

    /** JSON Lines. */
    public static final String JSON_LINES = "application/jsonl";

    private final KeyImporter importer;
    private final KeyExporter exporter;

    public TransferResource(KeyImporter importer, KeyExporter exporter) {
        this.importer = importer;
        this.exporter = exporter;
    }

    /** An import batch (up to 1,000 keys) may be larger than other bodies: up to 1 MiB, the HTTP layer's ceiling. */
    @jakarta.enterprise.inject.Produces
    @Singleton
    static RouteBodyLimit importLimit() {
        return RouteBodyLimit.batch("/api/v1/orgs/[^/]+/keys/import", 1024 * 1024);
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public ImportResult importKeys(@PathParam("org") String org,
            @RequestBody(content = @Content(schema = @Schema(implementation = ImportRequest.class))) JsonNode body) {
        return importer.importKeys(org, body);
    }

    @GET
    @Path("/export")
    @Produces(JSON_LINES)
    public Response export(@PathParam("org") String org) {
        Page<KeyView> first = exporter.first(org);
        StreamingOutput body = out -> exporter.write(org, first, out);
        return Response.ok(body, JSON_LINES)
                .header("Content-Disposition", "attachment; filename=\"" + org + "-keys.jsonl\"").build();
    }
}
