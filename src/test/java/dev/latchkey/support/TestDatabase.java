package dev.latchkey.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link PostgresTestResource} for every {@code @QuarkusTest} in the module. */
@QuarkusTestResource(PostgresTestResource.class)
public final class TestDatabase {
    private TestDatabase() {
    }
}
