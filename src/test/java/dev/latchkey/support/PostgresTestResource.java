package dev.latchkey.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives every test run a fresh, empty {@code latchkey_test} database on the real PostgreSQL (127.0.0.1:5432 unless
 * LATCHKEY_TEST_PG_URL says otherwise); the application's own Flyway migrations then build the schema, exactly as in
 * production.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_URL = System.getenv().getOrDefault("LATCHKEY_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = System.getenv().getOrDefault("LATCHKEY_TEST_PG_USER", "postgres");
    static final String PASSWORD = System.getenv().getOrDefault("LATCHKEY_TEST_PG_PASSWORD", "");
    public static final String DATABASE = "latchkey_test";

    @Override
    public Map<String, String> start() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed for the tests (" + ADMIN_URL
                    + "); src/scripts/ensure-postgres installs and starts one", e);
        }
        String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + DATABASE;
        return Map.of("quarkus.datasource.jdbc.url", url, "quarkus.datasource.username", USER,
                "quarkus.datasource.password", PASSWORD);
    }

    @Override
    public void stop() {
    }

    /** Drops and creates a database; returns its JDBC URL. */
    public static String recreate(String database) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed for the tests (" + ADMIN_URL
                    + "); src/scripts/ensure-postgres installs and starts one", e);
        }
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database;
    }

    /** The PostgreSQL host and port the tests use. */
    public static String hostPort() {
        String rest = ADMIN_URL.substring("jdbc:postgresql://".length());
        return rest.substring(0, rest.indexOf('/'));
    }

    /** A plain JDBC connection to a database made by {@link #recreate}. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, PASSWORD);
    }

    /** A plain JDBC connection to the test database, for tests that inspect what is stored. */
    public static Connection connect() throws SQLException {
        String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + DATABASE;
        return DriverManager.getConnection(url, USER, PASSWORD);
    }
}
