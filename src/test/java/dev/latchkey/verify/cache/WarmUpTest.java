package dev.latchkey.verify.cache;

import static dev.latchkey.support.Api.as;
import static org.junit.jupiter.api.Assertions.*;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;

/**
 * The warm-up read in parallel id ranges (README "Native executable", start with 100,000 keys): every live key exactly
 * once, on more than one thread, whatever the number of ranges; revoked and deleted keys not at all.
 */
@QuarkusTest
class WarmUpTest {

    @Inject
    KeyLoader loader;

    @Inject
    KeyCache cache;

    @Inject
    DataSource dataSource;

    @Test
    void everyLiveKeyIsReadExactlyOnceWhateverTheNumberOfRanges() throws Exception {
        Api.Fixture o = Api.fixture();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            made.add(Api.key(o.slug(), o.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())))[0]);
        }
        as(o.token()).body(Map.of()).post(o.keys() + "/" + made.get(0) + "/revoke").then().statusCode(200);
        as(o.token()).delete(o.keys() + "/" + made.get(1)).then().statusCode(204);
        Set<String> live = liveKeyIds();
        assertTrue(live.containsAll(made.subList(2, 12)));
        assertFalse(live.contains(made.get(0)) || live.contains(made.get(1)));

        for (int parts : new int[] { 1, 2, 3, 7 }) {
            ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
            Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            loader.streamLive(Long.MAX_VALUE, parts, 1, cache::handle, k -> {
                read.add(k.keyId());
                threads.add(Thread.currentThread().getName());
            });
            assertEquals(live.size(), read.size(), parts + " ranges: no key twice, none missing");
            assertEquals(live, new HashSet<>(read), parts + " ranges");
            // each range on its own thread (a range may hold no live key, and then calls nobody)
            assertTrue(parts == 1 ? threads.size() == 1 : threads.size() > 1 && threads.size() <= parts,
                    parts + " ranges: " + threads);
        }
    }

    @Test
    void overTheLimitTheMostRecentlyUsedAreReadInOneQuery() throws Exception {
        Api.Fixture o = Api.fixture();
        for (int i = 0; i < 5; i++) {
            Api.key(o.slug(), o.token(), Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        }
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        loader.streamLive(3, 4, 1, cache::handle, k -> {
            read.add(k.keyId());
            threads.add(Thread.currentThread().getName());
        });
        assertEquals(3, read.size());
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
    }

    private Set<String> liveKeyIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s
                .executeQuery("select key_id from api_keys where deleted_at is null and revoked_at is null")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
