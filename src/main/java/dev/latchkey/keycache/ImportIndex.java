package dev.latchkey.keycache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The hot path's index of imported key values (README, "Importing keys"): from the stored hash of each imported value
 * to the id of its key, and the import prefixes in use. It holds every imported key (an import beyond
 * {@code latchkey.imports.max-keys} is refused), so a foreign value that matches nothing here was never imported and is
 * refused without a query.
 * <p>
 * <b>Why it is never missing a key.</b> It is loaded whole with the cache's warm-up, after the snapshot the change feed
 * restarts from; each key change the feed reports (an import, a pepper re-hash) is looked up again; and this replica's
 * own imports are added as they commit. So an import is either in the load or replayed by the feed after it.
 * <p>
 * <b>Why a stale entry is harmless.</b> Entries are only candidates: between full loads it only grows, and an entry
 * whose key has since been rotated past its grace period or re-hashed under a new pepper finds a key whose hashes no
 * longer match, which the verifier answers as any wrong secret. Hashes are keyed by their first 8 bytes; the rare two
 * values sharing them both stay as candidates.
 */
@Singleton
public class ImportIndex {

    public static final String SIZE = "latchkey.imports.index.size";
    private static final String[] NONE = new String[0];
    private static final String SELECT = "select key_id, import_prefix, case when imported_secret = 'current'"
            + " then secret_hash else previous_secret_hash end from api_keys where imported_secret is not null";

    private final DataSource dataSource;
    private volatile ConcurrentHashMap<Long, String[]> byHash = new ConcurrentHashMap<>();
    /** The import prefixes in use, longest first; empty while nothing is imported. */
    private volatile String[] prefixes = NONE;

    public ImportIndex(DataSource dataSource, MeterRegistry metrics) {
        this.dataSource = dataSource;
        Gauge.builder(SIZE, () -> byHash.size()).description("Imported key values the hot path knows")
                .register(metrics);
    }

    /** Whether nothing is imported (the common case: a foreign key is then refused before hashing it). */
    public boolean isEmpty() {
        return prefixes.length == 0;
    }

    /** The import prefixes in use, longest first (the array is never changed; do not change it). */
    public String[] prefixes() {
        return prefixes;
    }

    /** The key ids whose imported value may have this stored hash; empty if none. */
    public String[] candidates(byte[] hash) {
        String[] ids = byHash.get(head(hash));
        return ids == null ? NONE : ids;
    }

    /** Adds an imported value (this replica's import, just committed). */
    public synchronized void add(String keyId, String prefix, byte[] hash) {
        addTo(byHash, keyId, hash);
        prefixes = withPrefix(prefixes, prefix);
    }

    /** Looks these keys up again (the change feed named them): imported ones are added. */
    public void refresh(Collection<String> keyIds) throws SQLException {
        if (keyIds.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SELECT + " and key_id = any(?)")) {
            s.setArray(1, c.createArrayOf("varchar", keyIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    add(rs.getString(1), rs.getString(2), rs.getBytes(3));
                }
            }
        }
    }

    /** Loads every imported key again and replaces the index (the warm-up, and a reload after a gap in the feed). */
    public void reload() throws SQLException {
        ConcurrentHashMap<Long, String[]> fresh = new ConcurrentHashMap<>();
        String[] freshPrefixes = NONE;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT)) {
            s.setFetchSize(10_000);
            c.setAutoCommit(false); // a cursor (fetch size) needs a transaction in pgjdbc
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    addTo(fresh, rs.getString(1), rs.getBytes(3));
                    freshPrefixes = withPrefix(freshPrefixes, rs.getString(2));
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        }
        synchronized (this) {
            byHash = fresh;
            prefixes = freshPrefixes;
        }
    }

    /** Imported values known. */
    public int size() {
        return byHash.size();
    }

    private static void addTo(ConcurrentHashMap<Long, String[]> map, String keyId, byte[] hash) {
        if (hash == null || hash.length < 8) {
            return;
        }
        map.merge(head(hash), new String[] { keyId }, (old, one) -> {
            if (Arrays.asList(old).contains(keyId)) {
                return old;
            }
            String[] both = Arrays.copyOf(old, old.length + 1);
            both[old.length] = keyId;
            return both;
        });
    }

    /** The prefixes with {@code prefix} among them, longest first: the same array when it already is. */
    private static String[] withPrefix(String[] prefixes, String prefix) {
        if (Arrays.asList(prefixes).contains(prefix)) {
            return prefixes;
        }
        String[] out = Arrays.copyOf(prefixes, prefixes.length + 1);
        out[prefixes.length] = prefix;
        Arrays.sort(out, Comparator.comparingInt(String::length).reversed());
        return out;
    }

    private static long head(byte[] hash) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (hash[i] & 0xFF);
        }
        return v;
    }
}
