package dev.latchkey.keycache;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Collection;
import java.util.List;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;

/** Keys this replica changed while reading a standby are reloaded from the primary, every one of them. */
class CacheRefresherPinTest {

    @Test
    void everyPinnedKeyOfAReloadIsInstalledFromThePrimary() throws Exception {
        KeyCache cache = KeyCacheTest.cache();
        KeyLoader loader = new KeyLoader(null, null) {
            @Override
            public List<CachedKey> loadKeys(Collection<String> ids, LongFunction<OrgHandle> handles) {
                return ids.stream().map(id -> KeyCacheTest.key(cache, id, false)).toList(); // the standby: older
            }

            @Override
            public List<CachedKey> loadKeysFromPrimary(Collection<String> ids, LongFunction<OrgHandle> handles) {
                return ids.stream().map(id -> KeyCacheTest.key(cache, id, true)).toList(); // the primary: revoked
            }
        };
        CacheRefresher refresher = new CacheRefresher(cache, loader, new OrgLoader(null, null, null));
        List<String> ids = List.of(KeyCacheTest.id(1), KeyCacheTest.id(2), KeyCacheTest.id(3));
        cache.pinToPrimary(ids.get(0), 100);
        cache.pinToPrimary(ids.get(2), 100);
        refresher.reloadKeys(ids);
        assertTrue(cache.get(ids.get(0)).revoked(), "pinned: from the primary");
        assertFalse(cache.get(ids.get(1)).revoked(), "not pinned: from the standby");
        assertNotNull(cache.get(ids.get(2)), "the second pinned key is installed too");
        assertTrue(cache.get(ids.get(2)).revoked());
        cache.unpinBelow(101);
        assertFalse(cache.pinnedToPrimary(ids.get(0)));
    }
}
