package dev.latchkey.verify;

import java.util.List;

/**
 * What is asked: a key, optionally a workspace it must cover and permissions it must hold there, and the caller's IP.
 */
public record VerifyRequest(String key, String workspace, List<String> permissions, byte[] ip) {
}
