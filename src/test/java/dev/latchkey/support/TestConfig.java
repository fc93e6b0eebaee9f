package dev.latchkey.support;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.WithDefault;

import dev.latchkey.config.LatchkeyConfig;

/**
 * A {@link LatchkeyConfig} for unit tests without Quarkus: every property has its {@code @WithDefault} value unless
 * {@code overrides} (method name -> value) says otherwise; properties without a default are empty.
 */
public final class TestConfig {

    private TestConfig() {
    }

    /** The configuration with these {@code latchkey.verify.*} overrides. */
    public static LatchkeyConfig withVerify(Map<String, Object> overrides) {
        return with(overrides, Map.of());
    }

    /** The configuration with these {@code latchkey.keys.*} overrides. */
    public static LatchkeyConfig withKeys(Map<String, Object> overrides) {
        return with(Map.of(), overrides);
    }

    private static LatchkeyConfig with(Map<String, Object> verifyOverrides, Map<String, Object> keysOverrides) {
        Object verify = group(LatchkeyConfig.Verify.class, verifyOverrides);
        return (LatchkeyConfig) Proxy.newProxyInstance(LatchkeyConfig.class.getClassLoader(),
                new Class<?>[] { LatchkeyConfig.class }, (p, m, a) -> switch (m.getName()) {
                case "verify" -> verify;
                case "usage" -> group(LatchkeyConfig.Usage.class, Map.of());
                case "keys" -> group(LatchkeyConfig.Keys.class, keysOverrides);
                case "security" -> group(LatchkeyConfig.Security.class, Map.of());
                case "http" -> group(LatchkeyConfig.Http.class, Map.of());
                default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static Object group(Class<?> type, Map<String, Object> overrides) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return type.getSimpleName() + overrides;
            }
            return overrides.containsKey(m.getName()) ? overrides.get(m.getName()) : defaultOf(m);
        });
    }

    private static Object defaultOf(Method m) {
        WithDefault d = m.getAnnotation(WithDefault.class);
        if (d == null) {
            return Optional.empty();
        }
        String v = d.value();
        Class<?> t = m.getReturnType();
        if (t == boolean.class) {
            return Boolean.parseBoolean(v);
        }
        if (t == long.class) {
            return Long.parseLong(v);
        }
        if (t == int.class) {
            return Integer.parseInt(v);
        }
        if (t == Duration.class) {
            return Duration.parse(v.startsWith("P") ? v : "PT" + v);
        }
        return v;
    }
}
