package dev.latchkey.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import dev.latchkey.support.PostgresTestResource;

/** When the start-up skips Flyway, on a real PostgreSQL with the real migrations. */
class SchemaMigrationsTest {

    @Test
    void latestIsTheNewestBundledMigration() throws IOException {
        Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(f -> versioned.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertEquals(newest, SchemaMigrations.LATEST, "update SchemaMigrations.LATEST with a new migration");
    }

    @Test
    void flywayRunsOnlyWhileTheDatabaseIsBehind() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(PostgresTestResource.recreate("latchkey_schema_test"));
        ds.setUser("postgres");
        assertFalse(SchemaMigrations.upToDate(ds), "an empty database");
        Flyway.configure().dataSource(ds).target("13").load().migrate();
        assertFalse(SchemaMigrations.upToDate(ds), "one migration behind");
        Flyway.configure().dataSource(ds).load().migrate();
        assertTrue(SchemaMigrations.upToDate(ds), "every migration applied");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) values (100, '15', 'broken', 'SQL',"
                    + " 'V15__broken.sql', 0, 'test', 0, false)");
            assertFalse(SchemaMigrations.upToDate(ds), "a failed migration: Flyway runs and reports it");
            s.execute("update flyway_schema_history set success = true where version = '15'");
            assertTrue(SchemaMigrations.upToDate(ds), "a newer database (a rolling upgrade) is left alone");
        }
    }
}
