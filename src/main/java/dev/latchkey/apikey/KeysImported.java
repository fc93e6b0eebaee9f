package dev.latchkey.apikey;

import java.util.List;

/**
 * Fired inside an import's transaction with what the hot path's index of imported values needs: each new key's id,
 * import prefix and stored hash (README, "Importing keys"). Observed after the commit, so that this replica finds the
 * keys at once; other replicas learn of them through the change feed.
 */
public record KeysImported(List<Entry> entries) {

    /** One imported key. */
    public record Entry(String keyId, String prefix, byte[] hash) {
    }
}
