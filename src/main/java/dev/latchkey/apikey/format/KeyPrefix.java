package dev.latchkey.apikey.format;

import dev.latchkey.vocabulary.KeyKind;

/**
 * The words a key starts with: Latchkey's own {@code lkp_}, {@code lks_}, {@code lka_}, and the Elastic-compatible
 * {@code private-}, {@code search-}, {@code admin-} (README, "Key format").
 */
public enum KeyPrefix {
    PERSONAL("lkp_", KeyKind.PERSONAL), SERVICE("lks_", KeyKind.SERVICE), ADMIN("lka_", KeyKind.ADMIN),
    ELASTIC_PRIVATE("private-", KeyKind.SERVICE), ELASTIC_SEARCH("search-", KeyKind.SERVICE),
    ELASTIC_ADMIN("admin-", KeyKind.ADMIN);

    /**
     * {@link #values()} copies its array at every call; the parse of every presented key walks this one instead. In the
     * native executable, built for size, each array is allocated through the collector's slow path (README "Native
     * executable").
     */
    private static final KeyPrefix[] ALL = values();

    private final String text;
    private final KeyKind kind;
    private final String stored;

    KeyPrefix(String text, KeyKind kind) {
        this.text = text;
        this.kind = kind;
        this.stored = text.substring(0, text.length() - 1);
    }

    /** The literal start of the key, separator included. */
    public String text() {
        return text;
    }

    /** The kind of key this prefix denotes. */
    public KeyKind kind() {
        return kind;
    }

    /** Whether this is one of the Elastic-compatible words. */
    public boolean elastic() {
        return !text.startsWith("lk");
    }

    /** The Elastic word an App Search value starts with, or null. */
    public static KeyPrefix elasticOf(String value) {
        for (KeyPrefix p : ALL) {
            if (p.elastic() && value.startsWith(p.text)) {
                return p;
            }
        }
        return null;
    }

    /** The stored form (text without its separator), made once: every verification compares it. */
    public String stored() {
        return stored;
    }

    /** The native prefix of a kind. */
    public static KeyPrefix nativeFor(KeyKind kind) {
        return switch (kind) {
        case PERSONAL -> PERSONAL;
        case SERVICE -> SERVICE;
        case ADMIN -> ADMIN;
        };
    }

    /** The prefix whose stored form is {@code stored}. */
    public static KeyPrefix fromStored(String stored) {
        for (KeyPrefix p : ALL) {
            if (p.stored.equals(stored)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown key prefix");
    }

    /** The prefix {@code key} starts with, or null. */
    static KeyPrefix of(String key) {
        for (KeyPrefix p : ALL) {
            if (key.startsWith(p.text)) {
                return p;
            }
        }
        return null;
    }
}
