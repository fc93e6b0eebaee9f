package dev.latchkey.common;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Caffeine loads a generated cache class and node class by name for each builder shape, which a native image only finds
 * when registered. One line per cache built in {@code src/main}: the key cache (maximum size, removal listener:
 * {@code SSLMS}/{@code PSMS}), the negative cache (maximum size, expire after write: {@code SSMSW}/{@code PSWMS}) and
 * the rate-limit buckets (maximum size, expire after access: {@code SSMSA}/{@code PSAMS}).
 */
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSLMS",
        "com.github.benmanes.caffeine.cache.PSMS", "com.github.benmanes.caffeine.cache.SSMSW",
        "com.github.benmanes.caffeine.cache.PSWMS", "com.github.benmanes.caffeine.cache.SSMSA",
        "com.github.benmanes.caffeine.cache.PSAMS" })
public final class CaffeineShapes {

    private CaffeineShapes() {
    }
}
