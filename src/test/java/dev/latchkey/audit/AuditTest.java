package dev.latchkey.audit;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.hamcrest.Matchers.*;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.Tokens;

/** Every management change writes an event with actor, target, request id and IP; filters work. */
@QuarkusTest
class AuditTest {

    @Test
    void changesAreRecordedWithActorTargetRequestIdAndIp() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String audit = "/api/v1/orgs/" + org + "/audit";

        as(ot).header("X-Request-Id", "req-ws-1").body(Map.of("slug", "docs", "name", "Docs"))
                .post("/api/v1/orgs/" + org + "/workspaces").then().statusCode(201).header("X-Request-Id", "req-ws-1");
        as(ot).queryParam("action", "workspace.created").get(audit).then().statusCode(200).body("items.size()", is(1))
                .body("items[0].actor.type", is("user")).body("items[0].actor.id", is(owner))
                .body("items[0].actor.name", is(owner)).body("items[0].target.type", is("workspace"))
                .body("items[0].target.id", is("docs")).body("items[0].target.name", is("Docs"))
                .body("items[0].requestId", is("req-ws-1")).body("items[0].ip", is("127.0.0.1"))
                .body("items[0].at", notNullValue());

        // a key acts under its name
        String[] admin = Api.key(org, ot, Map.of("kind", "admin", "name", "deploy bot"));
        String created = Api.key(org, admin[1],
                Map.of("kind", "service", "role", "viewer", "scope", wsScope("docs")))[0];
        as(ot).queryParam("actor", "deploy bot").get(audit).then().statusCode(200).body("items.size()", is(1))
                .body("items[0].action", is("key.created")).body("items[0].actor.type", is("key"))
                .body("items[0].actor.id", is(admin[0])).body("items[0].actor.name", is("deploy bot"))
                .body("items[0].target.id", is(created)).body("items[0].details.kind", is("service"));
        as(ot).queryParam("actor", admin[0]).get(audit).then().body("items.size()", is(1));

        // the lifecycle of one key, newest first, by target
        String path = "/api/v1/orgs/" + org + "/keys/" + created;
        as(ot).body(Map.of("name", "renamed", "enabled", false)).patch(path).then().statusCode(200);
        as(ot).body(Map.of("gracePeriodSeconds", 30)).post(path + "/rotate").then().statusCode(200);
        as(ot).post(path + "/revoke").then().statusCode(200);
        as(ot).delete(path).then().statusCode(204);
        as(ot).queryParam("target", created).get(audit).then().statusCode(200)
                .body("items.action",
                        contains("key.deleted", "key.revoked", "key.rotated", "key.updated", "key.created"))
                .body("items[3].details.name.from", is(created)).body("items[3].details.name.to", is("renamed"))
                .body("items[3].details.enabled.to", is(false)).body("items[2].details.gracePeriodSeconds", is(30));
        as(ot).queryParam("target", "renamed").get(audit).then().body("items.size()", greaterThanOrEqualTo(4));

        // roles, members, workspaces
        as(ot).body(Map.of("name", "auditor", "permissions", List.of("read"))).post("/api/v1/orgs/" + org + "/roles");
        as(ot).body(Map.of("permissions", List.of("read", "search"))).put("/api/v1/orgs/" + org + "/roles/auditor");
        as(ot).delete("/api/v1/orgs/" + org + "/roles/auditor");
        as(ot).body(Map.of("orgRole", "member")).put("/api/v1/orgs/" + org + "/members/bob");
        as(ot).body(Map.of("orgRole", "admin")).put("/api/v1/orgs/" + org + "/members/bob");
        as(ot).delete("/api/v1/orgs/" + org + "/members/bob");
        as(ot).body(Map.of("name", "Documents")).patch("/api/v1/orgs/" + org + "/workspaces/docs");
        as(ot).get(audit).then().statusCode(200).body("items.action",
                hasItems("org.created", "member.added", "member.updated", "member.removed", "role.created",
                        "role.updated", "role.deleted", "workspace.created", "workspace.updated"));
        as(ot).queryParam("action", "member.updated").get(audit).then()
                .body("items[0].details.from.orgRole", is("member")).body("items[0].details.to.orgRole", is("admin"));
        as(ot).queryParam("action", "role.updated").get(audit).then().body("items[0].details.permissions.to",
                contains("read", "search"));

        // time filters
        Instant future = Instant.now().plusSeconds(3600);
        as(ot).queryParam("since", future.toString()).get(audit).then().body("items.size()", is(0));
        as(ot).queryParam("until", future.toString()).queryParam("action", "org.created").get(audit).then()
                .body("items.size()", is(1));
        as(ot).queryParam("until", "2000-01-01T00:00:00Z").get(audit).then().body("items.size()", is(0));
    }

    @Test
    void aFailedChangeLeavesNoEvent() {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        as(ot).body(Map.of("slug", "dup", "name", "One")).post("/api/v1/orgs/" + org + "/workspaces").then()
                .statusCode(201);
        as(ot).body(Map.of("slug", "dup", "name", "Two")).post("/api/v1/orgs/" + org + "/workspaces").then()
                .statusCode(409);
        as(ot).queryParam("action", "workspace.created").get("/api/v1/orgs/" + org + "/audit").then()
                .body("items.size()", is(1)).body("items[0].target.name", is("One"));
    }
}
