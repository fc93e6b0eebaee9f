package dev.latchkey.changefeed;

import static dev.latchkey.support.Api.as;
import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * Changes made behind the service's back (direct SQL: no outbox row, no notification) are invisible to the change feed
 * and repaired by one resync cycle, run here by hand (the test profile sets the interval to an hour).
 */
@QuarkusTest
class ResyncTest {

    @Inject
    Resync resync;

    @Inject
    dev.latchkey.usage.UsageFlusher flusher;

    @Test
    void writingUsageIsNotAChangeOfTheKey() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        assertEquals("VALID", code(Map.of("key", k[1])));
        String version = rowVersion(k[0]);
        assertTrue(flusher.flush());
        as(o.token()).get(o.keys() + "/" + k[0]).then().statusCode(200).body("lastUsedAt",
                org.hamcrest.Matchers.notNullValue());
        assertEquals(version, rowVersion(k[0]), "the usage flush leaves the key's row alone");
        assertEquals(0, resync.fullCycle(), "so the resync has nothing to reload");
    }

    static String rowVersion(String keyId) throws Exception {
        try (Connection c = PostgresTestResource.connect();
                PreparedStatement s = c.prepareStatement("select xmin::text from api_keys where key_id = ?")) {
            s.setString(1, keyId);
            try (var rs = s.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    static String code(Map<String, Object> body) {
        return as(null).body(body).post("/verify").then().statusCode(200).extract().path("code");
    }

    static void sql(String statement, Object... args) throws Exception {
        try (Connection c = PostgresTestResource.connect(); PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            assertEquals(1, s.executeUpdate(), statement);
        }
    }

    @Test
    void directSqlRevokeRoleMemberAndRowDeletionAreRepairedByOneCycle() throws Exception {
        Api.Fixture o = Api.fixture();
        as(o.token()).body(Map.of("name", "docs", "permissions", List.of("read", "write")))
                .post("/api/v1/orgs/" + o.slug() + "/roles").then().statusCode(201);
        String[] revoked = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        String[] docs = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "docs", "scope", Api.allScope()));
        String member = Api.unique("m");
        Api.member(o.slug(), o.token(), member, Map.of("orgRole", "member", "role", "editor"));
        String[] personal = Api.key(o.slug(), Tokens.user(member),
                Map.of("kind", "personal", "role", "viewer", "scope", Api.allScope()));
        String[] gone = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        Map<String, Object> revokedBody = Map.of("key", revoked[1]);
        Map<String, Object> writeBody = Map.of("key", docs[1], "workspace", o.ws(), "permissions", List.of("write"));
        Map<String, Object> personalBody = Map.of("key", personal[1], "workspace", o.ws());
        Map<String, Object> goneBody = Map.of("key", gone[1]);
        for (Map<String, Object> body : List.of(revokedBody, writeBody, personalBody, goneBody)) {
            assertEquals("VALID", code(body), "cached");
        }

        sql("update api_keys set revoked_at = now() where key_id = ?", revoked[0]);
        sql("update roles set permissions = '{read}' where name = 'docs' and organization_id = "
                + "(select id from organizations where slug = ?)", o.slug());
        sql("delete from members where subject = ?", member);
        sql("delete from api_keys where key_id = ?", gone[0]);
        for (Map<String, Object> body : List.of(revokedBody, writeBody, personalBody, goneBody)) {
            assertEquals("VALID", code(body), "the change feed never heard of these changes");
        }

        int repaired = resync.fullCycle();
        assertTrue(repaired >= 4, "repaired " + repaired);
        assertEquals("REVOKED", code(revokedBody));
        assertEquals("INSUFFICIENT_PERMISSIONS", code(writeBody));
        assertEquals("FORBIDDEN", code(personalBody));
        assertEquals("NOT_FOUND", code(goneBody));
        assertEquals(0, resync.fullCycle(), "nothing else differs from the database");
    }
}
