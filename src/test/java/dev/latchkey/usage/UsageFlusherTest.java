package dev.latchkey.usage;

import static dev.latchkey.support.Api.wsScope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * The flush against PostgreSQL: repeated rows summed by its SQL, times exact, replicas flushing the same keys at once.
 */
@QuarkusTest
class UsageFlusherTest {

    static final long HOUR = 3_600L;
    static final long HOUR_A = 490_000 * HOUR; // a whole hour of November 2025, in seconds since the epoch
    static final long HOUR_B = HOUR_A + HOUR;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry metrics;

    @Test
    void repeatedRowsAreSummedAndTheLatestUseKept() throws SQLException {
        long pk = keyPks(1).get(0);
        UsageBatch batch = new UsageBatch();
        batch.addCount(pk, HOUR_A, VerifyCode.VALID, 2);
        batch.addCount(pk, HOUR_A, VerifyCode.VALID, 3); // put back after a failed flush, say
        batch.addCount(pk, HOUR_A, VerifyCode.FORBIDDEN, 1);
        batch.addCount(pk, HOUR_B, VerifyCode.VALID, 4);
        long later = HOUR_B * 1000 + 1_234;
        batch.addLastUsed(pk, later);
        batch.addLastUsed(pk, HOUR_A * 1000 + 5_000);
        UsageRecorder recorder = new UsageRecorder();
        recorder.restore(batch);
        assertTrue(new UsageFlusher(recorder, dataSource, metrics).flush());
        assertEquals(Map.of(HOUR_A + "/VALID", 5L, HOUR_A + "/FORBIDDEN", 1L, HOUR_B + "/VALID", 4L), rows(pk));
        assertEquals(later, lastUsedMillis(pk), "the greatest of the repeated last uses, to the millisecond");
        assertEquals(0, recorder.backlog());

        UsageBatch more = new UsageBatch(); // a later flush adds to the hour's row and never moves the last use back
        more.addCount(pk, HOUR_A, VerifyCode.VALID, 10);
        more.addLastUsed(pk, HOUR_A * 1000);
        recorder.restore(more);
        assertTrue(new UsageFlusher(recorder, dataSource, metrics).flush());
        assertEquals(15L, rows(pk).get(HOUR_A + "/VALID"));
        assertEquals(later, lastUsedMillis(pk));
    }

    @Test
    void aKeyWhoseRowIsGoneIsSkippedAndTheOthersWritten() throws SQLException {
        List<Long> pks = keyPks(2);
        long gone = pks.get(0);
        long kept = pks.get(1);
        UsageBatch batch = new UsageBatch();
        batch.addCount(gone, HOUR_A, VerifyCode.VALID, 7);
        batch.addLastUsed(gone, HOUR_A * 1000);
        batch.addCount(kept, HOUR_A, VerifyCode.VALID, 3);
        batch.addLastUsed(kept, HOUR_A * 1000 + 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from api_keys where id = ?")) {
            s.setLong(1, gone); // an operator's SQL: the service itself only hides keys
            assertEquals(1, s.executeUpdate());
        }
        UsageRecorder recorder = new UsageRecorder();
        recorder.restore(batch);
        assertTrue(new UsageFlusher(recorder, dataSource, metrics).flush(),
                "one missing row must not fail the flush (it failed every flush before, on the foreign key)");
        assertEquals(0, recorder.backlog(), "nothing put back to fail again");
        assertEquals(Map.of(HOUR_A + "/VALID", 3L), rows(kept));
        assertEquals(HOUR_A * 1000 + 1, lastUsedMillis(kept));
        assertEquals(Map.of(), rows(gone));
    }

    @Test
    void replicasFlushingTheSameKeysAtOnceLoseNoCount() throws Exception {
        List<Long> pks = keyPks(12);
        int replicas = 4;
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            CyclicBarrier together = new CyclicBarrier(replicas);
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                int replica = r;
                Callable<Integer> job = () -> {
                    UsageRecorder recorder = new UsageRecorder(); // each replica its own recorder and flusher
                    UsageFlusher flusher = new UsageFlusher(recorder, dataSource, metrics);
                    Random random = new Random(replica);
                    int failed = 0;
                    for (int round = 0; round < rounds; round++) {
                        List<Long> order = new ArrayList<>(pks);
                        Collections.shuffle(order, random); // each replica drains its keys in its own order
                        UsageBatch batch = new UsageBatch();
                        for (long pk : order) {
                            batch.addCount(pk, HOUR_A, VerifyCode.VALID, 1);
                            batch.addCount(pk, HOUR_B, VerifyCode.RATE_LIMITED, 2);
                            batch.addLastUsed(pk, HOUR_B * 1000 + replica);
                        }
                        recorder.restore(batch);
                        together.await();
                        if (!flusher.flush()) {
                            failed++;
                            assertTrue(flusher.flush(), "a flush put back is written by the next one");
                        }
                    }
                    return failed;
                };
                results.add(pool.submit(job));
            }
            int failed = 0;
            for (Future<Integer> f : results) {
                failed += f.get();
            }
            System.out.printf("replicas flushing at once: %d of %d flushes refused and retried%n", failed,
                    replicas * rounds);
            for (long pk : pks) {
                assertEquals(Map.of(HOUR_A + "/VALID", (long) replicas * rounds, HOUR_B + "/RATE_LIMITED",
                        2L * replicas * rounds), rows(pk), "key " + pk);
                assertEquals(HOUR_B * 1000 + replicas - 1, lastUsedMillis(pk), "key " + pk);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The row ids of {@code n} new keys. */
    private List<Long> keyPks(int n) throws SQLException {
        Api.Fixture o = Api.fixture();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String keyId = Api.key(o.slug(), o.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[0];
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement("select id from api_keys where key_id = ?")) {
                s.setString(1, keyId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** The key's hourly rows as "hour-epoch-second/OUTCOME" → count. */
    private Map<String, Long> rows(long pk) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select extract(epoch from hour)::bigint, outcome, count from key_usage_hourly where api_key_id = ?")) {
            s.setLong(1, pk);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1) + "/" + rs.getString(2), rs.getLong(3));
                }
            }
        }
        return out;
    }

    private long lastUsedMillis(long pk) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select (extract(epoch from at) * 1000)::bigint from key_last_used where api_key_id = ?")) {
            s.setLong(1, pk);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "a last use for key " + pk);
                return rs.getLong(1);
            }
        }
    }
}
