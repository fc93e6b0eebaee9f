package dev.latchkey.verify;

import java.util.List;

/**
 * What is asked: a key, optionally a workspace it must cover and permissions it must hold there, the caller's IP —
 * resolved only when the key has an allow-list, so that most requests never parse an address — and the original
 * request's method and path, read only for keys with route rules; and the quota units the call spends (README, "Rate
 * limits and quotas").
 */
public record VerifyRequest(String key, String workspace, List<String> permissions, Address ip, Original original,
        long cost) {

    /** Most quota units one call may spend. */
    public static final long MAX_COST = 1_000_000;

    /** A request spending the default one unit. */
    public VerifyRequest(String key, String workspace, List<String> permissions, Address ip, Original original) {
        this(key, workspace, permissions, ip, original, 1);
    }

    /** No original request known (a key with route rules is then refused). */
    public static final Original NO_ORIGINAL = new Original() {
        @Override
        public String method() {
            return null;
        }

        @Override
        public String path() {
            return null;
        }
    };

    /**
     * The original request a gateway is asking about, read only for keys with route rules (README, "Verify API"); null
     * parts when the gateway did not say.
     */
    public interface Original {
        String method();

        String path();
    }

    /** The caller's address, resolved on demand; null bytes when it cannot be told. */
    @FunctionalInterface
    public interface Address {
        byte[] resolve();
    }
}
