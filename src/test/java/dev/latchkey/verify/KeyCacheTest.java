package dev.latchkey.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.latchkey.apikey.KeyKind;
import dev.latchkey.config.LatchkeyConfig;

/**
 * A load that overlapped an invalidation must not be cached: otherwise a key revoked while a replica was loading it for
 * the first time would stay valid there.
 */
class KeyCacheTest {

    static KeyCache cache() {
        LatchkeyConfig.Verify verify = (LatchkeyConfig.Verify) java.lang.reflect.Proxy.newProxyInstance(
                LatchkeyConfig.class.getClassLoader(), new Class<?>[] { LatchkeyConfig.Verify.class },
                (p, m, a) -> switch (m.getName()) {
                case "cacheMaxSize", "negativeMaxSize" -> 1000L;
                case "negativeTtl" -> Duration.ofMinutes(1);
                case "maxStaleness" -> Duration.ofMinutes(5);
                case "cacheEnabled" -> true;
                default -> Optional.empty();
                });
        LatchkeyConfig config = (LatchkeyConfig) java.lang.reflect.Proxy.newProxyInstance(
                LatchkeyConfig.class.getClassLoader(), new Class<?>[] { LatchkeyConfig.class },
                (p, m, a) -> m.getName().equals("verify") ? verify : null);
        return new KeyCache(config, new VerifyMetrics(new SimpleMeterRegistry()));
    }

    static KeySnapshot snapshot(String keyId, boolean revoked) {
        return new KeySnapshot(1, keyId, 7, "org", KeyKind.SERVICE, "lks", "n", new byte[32], null, null, null, revoked,
                true, List.of("read"), true, Set.of(), List.of("ws"), null, null, null, null, null, null, "read");
    }

    @Test
    void aLoadThatOverlappedAnInvalidationIsNotCached() {
        KeyCache cache = cache();
        long before = cache.generation();
        // the revoke is applied while the (pre-revoke) load is in flight
        cache.evict("AAAAAAAAAAAAAAAA");
        cache.putLoaded("AAAAAAAAAAAAAAAA", snapshot("AAAAAAAAAAAAAAAA", false), before);
        assertNull(cache.get("AAAAAAAAAAAAAAAA"), "a stale load must not be cached");

        long now = cache.generation();
        cache.putLoaded("AAAAAAAAAAAAAAAA", snapshot("AAAAAAAAAAAAAAAA", true), now);
        assertTrue(cache.get("AAAAAAAAAAAAAAAA").revoked(), "a load with no invalidation meanwhile is cached");
    }

    @Test
    void anUnknownIdIsNotRememberedIfTheKeyWasCreatedDuringTheLoad() {
        KeyCache cache = cache();
        long before = cache.generation();
        cache.evictOrganization(7); // the creation's invalidation
        cache.putLoaded("BBBBBBBBBBBBBBBB", null, before);
        assertFalse(cache.isKnownUnknown("BBBBBBBBBBBBBBBB"));
        cache.putLoaded("BBBBBBBBBBBBBBBB", null, cache.generation());
        assertTrue(cache.isKnownUnknown("BBBBBBBBBBBBBBBB"));
    }
}
