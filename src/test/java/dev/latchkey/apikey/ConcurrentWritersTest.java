package dev.latchkey.apikey;

import static dev.latchkey.support.Api.as;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.latchkey.error.ApiException;
import dev.latchkey.support.Api;
import dev.latchkey.support.Parallel;

/**
 * Many writers of the same rows at once, through the API: every answer is a success or a 409, never a 5xx, and what the
 * database ends with is what exactly the successful writers did (the version check on keys, unique indexes on names and
 * slugs; README "Concurrent writers").
 */
@QuarkusTest
class ConcurrentWritersTest {

    private static final int WRITERS = 16;

    @Inject
    ApiKeys keys;

    /**
     * The guard the concurrent cases rely on, without timing: a writer holding a key read before another writer's
     * commit changes nothing and gets 409 — also when its write would have undone a revocation.
     */
    @Test
    void aWriteOverAStaleReadOfAKeyIsRefusedWith409() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        ApiKey first = keys.findByKeyId(k[0]).orElseThrow();
        ApiKey stale = keys.findByKeyId(k[0]).orElseThrow();
        first.revokedAt = java.time.Instant.now();
        keys.update(first, false);
        stale.name = "renamed";
        ApiException refused = assertThrows(ApiException.class, () -> keys.update(stale, false));
        assertEquals(409, refused.status());
        ApiKey now = keys.findByKeyId(k[0]).orElseThrow();
        assertNotNull(now.revokedAt, "the revocation stands");
        assertEquals(k[0], now.name, "the stale write changed nothing");
        assertEquals(first.version, now.version);
    }

    @Test
    void ofConcurrentPatchesToOneKeyEachEitherWinsWholeOrGets409() {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        Map<Integer, Integer> status = new ConcurrentHashMap<>();
        Parallel.forEach(WRITERS, IntStream.range(0, WRITERS).boxed().toList(), i -> status.put(i,
                as(o.token()).body(Map.of("meta", Map.of("writer", i))).patch(o.keys() + "/" + k[0]).statusCode()));
        List<Integer> won = status.entrySet().stream().filter(e -> e.getValue() == 200).map(Map.Entry::getKey).toList();
        assertTrue(status.values().stream().allMatch(s -> s == 200 || s == 409), status.toString());
        assertFalse(won.isEmpty(), "at least the first writer wins");
        // every winner left exactly one audit record; losers left none (their transaction rolled back whole)
        List<Map<String, Object>> updates = as(o.token())
                .get("/api/v1/orgs/" + o.slug() + "/audit?action=key.updated&target=" + k[0] + "&limit=200").then()
                .statusCode(200).extract().path("items");
        assertEquals(won.size(), updates.size(), "audit records of key.updated vs 200 answers " + status);
        // the key ends with the meta of one of the winners
        Integer last = as(o.token()).get(o.keys() + "/" + k[0]).then().statusCode(200).extract().path("meta.writer");
        assertTrue(won.contains(last), "final meta.writer " + last + " is a winner's " + won);
    }

    @Test
    void ofConcurrentRevokesAndRotationsAWonRevocationIsFinal() {
        Api.Fixture o = Api.fixture();
        for (int round = 0; round < 4; round++) { // each round a new key: more interleavings than one round shows
            revokesAndRotations(o);
        }
    }

    private static void revokesAndRotations(Api.Fixture o) {
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(o.ws())));
        ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        Parallel.forEach(WRITERS, IntStream.range(0, WRITERS).boxed().toList(), i -> {
            Response r = as(o.token()).body(Map.of())
                    .post(o.keys() + "/" + k[0] + (i % 2 == 0 ? "/revoke" : "/rotate"));
            answers.add((i % 2 == 0 ? "revoke " : "rotate ") + r.statusCode());
        });
        for (String a : answers) {
            assertTrue(a.startsWith("revoke 200") || a.startsWith("revoke 409") || a.equals("rotate 200")
                    || a.equals("rotate 409"), answers.toString());
        }
        // a revocation that answered 200 is final: no rotation that read the key before it may commit after it (each
        // would write over a version that is no longer there), so the key ends revoked exactly when one revoke won
        boolean revoked = answers.contains("revoke 200");
        assertEquals(revoked ? "revoked" : "active",
                as(o.token()).get(o.keys() + "/" + k[0]).then().statusCode(200).extract().path("state"),
                answers.toString());
        if (revoked) {
            // REVOKED while the first secret still matches, NOT_FOUND when a rotation replaced it first
            assertTrue(List.of("REVOKED", "NOT_FOUND").contains(KeyLifecycleTest.verifyCode(k[1])));
        }
    }

    @Test
    void ofConcurrentCreationsOfOneWorkspaceSlugExactlyOneSucceeds() {
        Api.Fixture o = Api.fixture();
        String slug = Api.unique("ws");
        exactlyOneCreated(i -> as(o.token()).body(Map.of("slug", slug, "name", "W " + i))
                .post("/api/v1/orgs/" + o.slug() + "/workspaces").statusCode());
    }

    @Test
    void ofConcurrentKeysWithOneNameExactlyOneIsIssued() {
        Api.Fixture o = Api.fixture();
        String name = Api.unique("name");
        exactlyOneCreated(i -> Api
                .createKey(o.slug(), o.token(),
                        Map.of("kind", "service", "name", name, "role", "viewer", "scope", Api.wsScope(o.ws())))
                .statusCode());
    }

    /** Runs {@code create} by {@link #WRITERS} writers at once: exactly one 201, every other answer 409. */
    private static void exactlyOneCreated(java.util.function.IntUnaryOperator create) {
        Map<Integer, Integer> status = new ConcurrentHashMap<>();
        Parallel.forEach(WRITERS, IntStream.range(0, WRITERS).boxed().toList(),
                i -> status.put(i, create.applyAsInt(i)));
        assertEquals(1, status.values().stream().filter(s -> s == 201).count(), status.toString());
        assertEquals(WRITERS - 1, status.values().stream().filter(s -> s == 409).count(), status.toString());
    }
}
