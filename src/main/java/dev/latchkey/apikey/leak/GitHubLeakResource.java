package dev.latchkey.apikey.leak;

import java.util.List;

import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.latchkey.common.http.RouteBodyLimit;

/**
 * {@code POST /api/v1/leaks/github}: GitHub's secret-scanning partner endpoint (README, "Leaked keys"). No credential:
 * the report's signature is its authentication.
 */
@Path("/api/v1/leaks/github")
public class GitHubLeakResource {

    private final GitHubReports reports;

    public GitHubLeakResource(GitHubReports reports) {
        this.reports = reports;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public List<GitHubReports.Label> report(byte[] body,
            @HeaderParam("Github-Public-Key-Identifier") String keyIdentifier,
            @HeaderParam("Github-Public-Key-Signature") String signature) {
        return reports.handle(body, keyIdentifier, signature);
    }

    /** A report of up to 1,000 tokens may be larger than other bodies: up to 1 MiB. */
    @jakarta.enterprise.inject.Produces
    @Singleton
    static RouteBodyLimit bodyLimit() {
        return RouteBodyLimit.batch("/api/v1/leaks/github", 1024 * 1024);
    }
}
