package dev.latchkey.common;

/** Regular expressions shared by request validation, so that every route enforces the same rules. */
public final class Patterns {

    /** Organization and workspace slugs (README, "Concepts and the security model"). */
    public static final String SLUG = "[a-z0-9][a-z0-9-]{0,63}";
    /** Custom role names. */
    public static final String ROLE_NAME = "[a-z0-9][a-z0-9_.-]{0,63}";
    /** One permission: {@code :}-separated segments of {@code [a-z0-9_.-]+} or {@code *}. */
    public static final String PERMISSION = "(\\*|[a-z0-9_.-]+)(:(\\*|[a-z0-9_.-]+))*";
    /** Display names: no control characters. */
    public static final String DISPLAY_NAME = "[^\\p{Cntrl}]*";
    /** Native key names: letters, digits, space, {@code -}, {@code _}, {@code .}; no leading or trailing space. */
    public static final String KEY_NAME = "[A-Za-z0-9._-]([A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?";

    private Patterns() {
    }
}
