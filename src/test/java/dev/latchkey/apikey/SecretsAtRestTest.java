package dev.latchkey.apikey;

import static dev.latchkey.support.Api.allScope;
import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;
import dev.latchkey.support.Tokens;

/**
 * After issuing and rotating keys through the API, no table of the database and no line of the service log contains a
 * full key or its secret (in text or as bytes), only hashes.
 */
@QuarkusTest
class SecretsAtRestTest {

    @Test
    void neitherTheDatabaseNorTheLogHoldsAFullKeyOrSecret() throws Exception {
        String owner = Api.unique("owner");
        String org = Api.org(owner);
        String ot = Tokens.user(owner);
        String ws = Api.workspace(org, ot);
        List<String> keys = new ArrayList<>();
        keys.add(Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[1]);
        keys.add(Api.key(org, ot, Map.of("kind", "personal", "role", "editor", "scope", allScope()))[1]);
        String[] admin = Api.key(org, ot, Map.of("kind", "admin"));
        keys.add(admin[1]);
        // a key used as a credential and rotated with a grace period
        keys.add(Api.key(org, admin[1], Map.of("kind", "service", "role", "viewer", "scope", wsScope(ws)))[1]);
        String rotated = as(ot).body(Map.of("gracePeriodSeconds", 60))
                .post("/api/v1/orgs/" + org + "/keys/" + admin[0] + "/rotate").then().statusCode(200).extract()
                .path("key");
        keys.add(rotated);
        // a wrong key presented as a credential must not be logged either
        String wrong = keys.get(0).substring(0, keys.get(0).length() - 8) + "AAAAAAAA";
        as(wrong).get("/api/v1/me").then().statusCode(401);
        keys.add(wrong);

        String dump = dumpAllTables();
        assertTrue(dump.contains(admin[0]), "the dump must contain the key ids (sanity check of the dump)");
        String log = Files.readString(Path.of("target/latchkey-test.log"));
        assertFalse(log.isEmpty(), "the service log must have been written");
        for (String key : keys) {
            String secret = KeyFormat.parse(key) != null ? KeyFormat.parse(key).secret()
                    : key.substring(key.length() - 49, key.length() - 6);
            for (String needle : List.of(key, secret)) {
                assertFalse(dump.contains(needle), "database holds a key or secret");
                assertFalse(log.contains(needle), "log holds a key or secret");
                String hex = HexFormat.of().formatHex(needle.getBytes());
                assertFalse(dump.contains(hex), "database holds a key or secret as bytes");
            }
        }
    }

    /** Every row of every table in the public schema, as text (bytea as hex). */
    private static String dumpAllTables() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = PostgresTestResource.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select tablename from pg_tables where schemaname = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.contains("api_keys"));
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("select * from " + t)) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= cols; i++) {
                            Object v = rs.getObject(i);
                            out.append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
                                    .append('|');
                        }
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }
}
