package dev.latchkey.changefeed;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.latchkey.keycache.CacheRefresher;
import dev.latchkey.keycache.CachedKey;
import dev.latchkey.keycache.KeyCache;
import dev.latchkey.keycache.KeyLoader;
import dev.latchkey.keycache.OrgHandle;
import dev.latchkey.keycache.OrgLoader;
import dev.latchkey.keycache.OrgState;
import dev.latchkey.support.TestConfig;
import dev.latchkey.usage.UsageRecorder;
import dev.latchkey.vocabulary.KeyKind;

/**
 * The resync without a database connection: a cycle whose slices failed (an outage) must not take the keys it could not
 * look for as deleted; a cycle that ran whole drops exactly the entries whose rows are gone.
 */
class ResyncOutageTest {

    /** A key table of one row that can be switched off (outage) or emptied (row deleted). */
    static final class Table extends KeyLoader {
        boolean down;
        boolean rowPresent = true;
        long fingerprint = 42;

        Table() {
            super(null, null);
        }

        @Override
        public long[] keyIdRange() throws SQLException {
            if (down) {
                throw new SQLException("connection refused");
            }
            return new long[] { 1, 40 };
        }

        @Override
        public List<Fingerprint> keyFingerprints(long fromId, long toId) throws SQLException {
            if (down) {
                throw new SQLException("connection refused");
            }
            // the row (id 40) is in the cycle's last slice
            return rowPresent && fromId <= 40 && toId > 40 ? List.of(new Fingerprint("AAAAAAAAAAAAAAAA", fingerprint))
                    : List.of();
        }

        @Override
        public List<CachedKey> loadKeys(Collection<String> keyIds, LongFunction<OrgHandle> handles)
                throws SQLException {
            if (down) {
                throw new SQLException("connection refused");
            }
            return List.of();
        }
    }

    /** No organizations or members to compare. */
    static final class NoOrgs extends OrgLoader {
        NoOrgs() {
            super(null, null, null);
        }

        @Override
        public Map<Long, OrgState> loadOrgs(Collection<Long> orgIds) {
            return Map.of();
        }

        @Override
        public Map<MemberRef, dev.latchkey.keycache.MemberRights> loadMembers(Collection<MemberRef> refs) {
            return Map.of();
        }
    }

    @Test
    void anOutageDuringACycleEvictsNothingAndADeletedRowIsDroppedOnceACycleRunsWhole() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FeedMetrics metrics = new FeedMetrics(registry);
        KeyCache cache = new KeyCache(TestConfig.withVerify(Map.of()), registry, new UsageRecorder(),
                java.time.Clock.systemUTC());
        Table table = new Table();
        Resync resync = new Resync(cache, table, new NoOrgs(), new CacheRefresher(cache, table, new NoOrgs()), metrics,
                TestConfig.withVerify(Map.of()));
        CachedKey key = new CachedKey(1, "AAAAAAAAAAAAAAAA", cache.handle(7), KeyKind.SERVICE, "lks", "n", new byte[32],
                null, false, true, "viewer", true, new long[0], 42, null);
        cache.putLoaded(key.keyId(), key, cache.generation());

        resync.step(); // a cycle starts; its first slice does not reach the row
        table.down = true;
        assertTrue(steps(resync, 3 * Resync.SLICES) > 0, "the outage made slices fail");
        table.down = false;
        assertEquals(0, steps(resync, 3 * Resync.SLICES));
        assertSame(key, cache.get(key.keyId()), "a key whose slice failed is not taken for deleted");

        table.rowPresent = false;
        table.down = true;
        steps(resync, 2 * Resync.SLICES);
        assertSame(key, cache.get(key.keyId()), "nor while the database cannot say");
        table.down = false;
        assertEquals(1, resync.fullCycle(), "a whole cycle without the row drops the entry");
        assertNull(cache.get(key.keyId()));
    }

    /** Runs steps as the resync thread does; returns how many failed. */
    static int steps(Resync resync, int n) {
        int failed = 0;
        for (int i = 0; i < n; i++) {
            try {
                resync.step();
            } catch (SQLException e) {
                failed++;
            }
        }
        return failed;
    }
}
