package dev.latchkey.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Latchkey's own configuration, under {@code latchkey.*} (environment: {@code LATCHKEY_*}). */
@ConfigMapping(prefix = "latchkey")
public interface LatchkeyConfig {

    /** Key hashing. */
    Keys keys();

    /** Management-plane security. */
    Security security();

    /** HTTP input limits. */
    Http http();

    /** Key hashing settings. */
    interface Keys {
        /**
         * Server-side pepper: when set, secrets are stored as HMAC-SHA-256(pepper, secret) instead of SHA-256(secret).
         * Set it once before issuing keys; changing it invalidates every key.
         */
        Optional<String> pepper();
    }

    /** Who may do what on the management plane. */
    interface Security {
        /** The JWT group whose members are platform administrators (may create organizations). */
        @WithDefault("latchkey-admin")
        String platformAdminGroup();
    }

    /** Limits on what clients may send. */
    interface Http {
        /** Largest request body accepted, in bytes (suffixes K and M allowed); larger answers 413. */
        @WithDefault("64K")
        String maxBodySize();
    }
}
