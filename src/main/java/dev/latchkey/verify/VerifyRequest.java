package dev.latchkey.verify;

import java.util.List;

/**
 * What is asked: a key, optionally a workspace it must cover and permissions it must hold there, and the caller's IP —
 * resolved only when the key has an allow-list, so that most requests never parse an address.
 */
public record VerifyRequest(String key, String workspace, List<String> permissions, Address ip) {

    /** The caller's address, resolved on demand; null bytes when it cannot be told. */
    @FunctionalInterface
    public interface Address {
        byte[] resolve();
    }
}
