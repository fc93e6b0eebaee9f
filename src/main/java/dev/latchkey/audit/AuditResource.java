package dev.latchkey.audit;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.latchkey.audit.AuditDtos.AuditView;
import dev.latchkey.common.Page;
import dev.latchkey.common.http.Param;

/** {@code /api/v1/orgs/{org}/audit}. */
@Path("/api/v1/orgs/{org}/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditService audit;

    public AuditResource(AuditService audit) {
        this.audit = audit;
    }

    @GET
    public Page<AuditView> list(@PathParam("org") String org, @QueryParam("actor") String actor,
            @QueryParam("action") String action, @QueryParam("target") String target,
            @QueryParam("since") Param<Instant> since, @QueryParam("until") Param<Instant> until,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return audit.list(org, actor, action, target, since, until, limit, cursor);
    }
}
