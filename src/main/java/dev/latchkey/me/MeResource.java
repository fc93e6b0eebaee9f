package dev.latchkey.me;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.latchkey.me.MeDtos.Me;

/** {@code GET /api/v1/me}. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final MeService me;

    public MeResource(MeService me) {
        this.me = me;
    }

    @GET
    public Me me() {
        return me.me();
    }
}
