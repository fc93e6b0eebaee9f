package dev.latchkey.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Latchkey's own configuration, under {@code latchkey.*} (environment: {@code LATCHKEY_*}). */
@ConfigMapping(prefix = "latchkey")
public interface LatchkeyConfig {

    /** Key hashing. */
    Keys keys();

    /** Management-plane security. */
    Security security();

    /** HTTP input limits. */
    Http http();

    /** The verify hot path: key cache, invalidation, outage behaviour. */
    Verify verify();

    /** Usage recording. */
    Usage usage();

    /** The identity token given to upstreams on an allowed /authorize or gRPC check that asks for it. */
    Token token();

    /** Redis, the shared store of rate limits and quotas (README, "Rate limits and quotas"). */
    Redis redis();

    /** Rate limits and quotas. */
    Limits limits();

    /** Keys imported from other systems (README, "Importing keys"). */
    Imports imports();

    /** Leaked-key reports (README, "Leaked keys"). */
    Leaks leaks();

    /** Events sent to the organizations' webhook endpoints (README, "Webhooks"). */
    Webhooks webhooks();

    /** Webhook delivery and the addresses it may reach. */
    interface Webhooks {
        /** Accept {@code http://} endpoint URLs as well as {@code https://} (tests and closed networks). */
        @WithDefault("false")
        boolean allowHttp();

        /**
         * Networks (CIDR) an endpoint may resolve to although they are loopback, link-local, private or otherwise not
         * public; checked when an endpoint is saved and again for every delivery, against the address connected to.
         */
        Optional<List<String>> allowedNetworks();

        /** How often each replica looks for due deliveries (a replica's own events wake it at once). */
        @WithDefault("1S")
        Duration pollInterval();

        /** Deliveries in flight at once on one replica. */
        @WithDefault("16")
        int concurrency();

        /**
         * Deliveries one replica starts per second at most (0: no limit): a backlog drains at this pace, so that
         * delivering never takes the hot path's processor time.
         */
        @WithDefault("25")
        int maxRate();

        /** How long one delivery may take (connect, send, answer), then it counts as failed. */
        @WithDefault("5S")
        Duration timeout();

        /**
         * How long a claimed delivery stays with the replica that claimed it; past it, another replica may send it
         * again (the claimer died). Longer than {@link #timeout()}.
         */
        @WithDefault("30S")
        Duration lease();

        /** How long deliveries are retried (exponential back-off with jitter) before the endpoint is marked failing. */
        @WithDefault("P1D")
        Duration retryFor();

        /** How long before a key's expiry {@code key.expiring} is sent (one event per lead time). */
        @WithDefault("P7D,P1D")
        List<Duration> expiringLeadTimes();

        /** How often each replica looks for keys that are about to expire or have expired. */
        @WithDefault("60S")
        Duration expiryScanInterval();

        /** How long the previous signing secret keeps signing too after {@code rotate-secret}. */
        @WithDefault("P1D")
        Duration secretOverlap();

        /** How long events and their deliveries are kept once nothing is pending for them. */
        @WithDefault("P30D")
        Duration retention();

        /** How often each replica deletes what is past {@link #retention()}. */
        @WithDefault("1H")
        Duration pruneInterval();
    }

    /** Leaked-key reports. */
    interface Leaks {
        /**
         * GitHub's secret-scanning public keys in its key-list format ({@code {"public_keys": [{"key_identifier",
         * "key", "is_current"}]}}, PEM keys), read from this file at start-up; unset: GitHub's reports are refused.
         */
        Optional<String> githubKeysFile();
    }

    /** Imported keys. */
    interface Imports {
        /**
         * How many imported keys this installation holds at most: the hot path keeps every imported value's hash in
         * memory (about 100 bytes each), so that a foreign key never imported is refused without a query.
         */
        @WithDefault("100000")
        long maxKeys();
    }

    /** The shared store; unset: this replica keeps exact limits in memory (the embedded default for one replica). */
    interface Redis {
        /**
         * {@code redis://host:6379}, {@code rediss://} for TLS, {@code redis://:password@host:6379/0}, or a cluster's
         * comma-separated seed list. Unset: limits and quotas in this replica's memory.
         */
        Optional<String> url();

        /**
         * Longest wait for a Redis answer: that call fails (a quota key answers UNAVAILABLE); three in a row, or a
         * refused connection, put the replica in degraded mode until Redis answers a ping.
         */
        @WithDefault("1S")
        Duration timeout();

        /** How often an unreachable Redis is pinged to leave degraded mode. */
        @WithDefault("1S")
        Duration probeInterval();
    }

    /** Rate-limit leasing and quota flushing. */
    interface Limits {
        /**
         * Largest share of a key's rate limit one replica leases at a time. With N replicas at least
         * {@code 1 - N × fraction} of the limit is admitted before any call is refused: keep it at most 0.05 / N.
         */
        @WithDefault("0.01")
        double leaseFraction();

        /** How often the quota units spent on this replica are written to the database. */
        @WithDefault("1S")
        Duration quotaFlushInterval();

        /** How long an unused quota counter stays in Redis before it is seeded again from the database. */
        @WithDefault("P1D")
        Duration quotaCounterTtl();
    }

    /** The web console at /console (README, "Web console"). */
    Console console();

    /** Console sign-in. */
    interface Console {
        /** OIDC issuer for "Sign in with SSO" (authorization code + PKCE in the browser); unset: token sign-in only. */
        Optional<String> oidcIssuer();

        /** The console's OIDC client id (a public client; no secret). */
        Optional<String> oidcClientId();

        /** Scopes asked for. */
        @WithDefault("openid profile")
        String oidcScope();
    }

    /** Identity tokens: ES256 or EdDSA JWTs that upstreams verify against /.well-known/jwks.json. */
    interface Token {
        /**
         * Add {@code X-Latchkey-Token} to every allowed answer, asked for or not. Off: only answers that ask for one
         * ({@code ?token=1}, {@code X-Latchkey-Want-Token: 1}, gRPC context extension {@code token: "1"}) carry it, so
         * a route that does not need tokens pays nothing for them.
         */
        @WithName("default")
        @WithDefault("false")
        boolean byDefault();

        /**
         * Tokens kept for reuse, one per key that asked for one lately (least recently written dropped first); a key
         * beyond it is signed a new token when it asks again. Each costs about 600 bytes.
         */
        @WithDefault("10000")
        int cacheSize();

        /** The tokens' {@code iss}. */
        @WithDefault("latchkey")
        String issuer();

        /** The tokens' {@code aud}. */
        @WithDefault("latchkey-upstream")
        String audience();

        /** Lifetime of a token (never beyond the key's own expiry). */
        @WithDefault("5M")
        Duration ttl();

        /**
         * Signing keys: paths of private JWK files, EC P-256 (signs ES256) or OKP Ed25519 (signs EdDSA); the first
         * signs, all are published (rotation: put the new key first and keep the old one until its last token has
         * expired). Every replica must be given the same files. Unset: one key generated at start-up, which only a
         * single replica can use.
         */
        Optional<List<String>> keys();

        /**
         * {@code ES256} or {@code EdDSA} (Ed25519: a signature costs about 2.5 times less CPU, and not every JWT
         * library verifies it). Unset: ES256 for a generated key, and whatever the first key file is. Set: the
         * algorithm of the generated key, and the first key file must be of it (the service does not start otherwise).
         */
        Optional<String> algorithm();

        /**
         * In the native executable, sign with the system's OpenSSL ({@code libcrypto.so.3} or {@code .so.1.1}, loaded
         * when the first token is signed) when it can be loaded and its test signature verifies: an ES256 signature
         * costs about a fifth of BouncyCastle's. Off, or on the JVM: BouncyCastle. The log names the signer.
         */
        @WithDefault("true")
        boolean openssl();
    }

    /** Key cache and verification settings. */
    interface Verify {
        /** Keep known keys in memory (false: one database read per request, for comparison only). */
        @WithDefault("true")
        boolean cacheEnabled();

        /**
         * Most keys held in the cache; keys not verified lately leave first (a clock hand). Warm-up loads up to this
         * many.
         */
        @WithDefault("1000000")
        long cacheMaxSize();

        /** How long an unknown key id is remembered as unknown, so floods of random keys stay off the database. */
        @WithDefault("60S")
        Duration negativeTtl();

        /** Most unknown key ids remembered. */
        @WithDefault("1000000")
        long negativeMaxSize();

        /** How long cached keys keep verifying after the database was last in sync (outage); then 503. */
        @WithDefault("5M")
        Duration maxStaleness();

        /** How often the change outbox is read even without a notification (a notification normally triggers it). */
        @WithDefault("1S")
        Duration pollInterval();

        /**
         * How often the change outbox is read when the database this replica reads is a standby, which delivers no
         * notifications (README "Regions and failover"): a revoke is refused within replication lag + this + the read.
         */
        @WithDefault("200MS")
        Duration standbyPollInterval();

        /**
         * Bound for the safety net that does not depend on the change feed: every cached key, organization and member
         * is compared with the database within this interval, so even a change made by direct SQL takes effect.
         */
        @WithDefault("60S")
        Duration resyncInterval();

        /** Change-outbox rows older than this are deleted (a replica offline for longer reloads its whole cache). */
        @WithDefault("P1D")
        Duration outboxRetention();

        /** Wait between reconnection attempts of the LISTEN connection. */
        @WithDefault("1S")
        Duration reconnectDelay();

        /** Proxies (CIDRs) whose X-Forwarded-For is believed when finding the caller's IP. */
        Optional<List<String>> trustedProxies();

        /**
         * In the native executable, once the cache is warm and before the replica is ready, run one complete collection
         * that returns the start's garbage to the operating system (README, "Native executable": about 6 MiB of RSS
         * with no keys). Off: the pages stay resident until load reuses them.
         */
        @WithDefault("true")
        boolean releaseStartHeap();
    }

    /** Usage aggregation. */
    interface Usage {
        /** How often usage counts and last-used times are flushed to the database (lastUsedAt lags at most this). */
        @WithDefault("30S")
        Duration flushInterval();
    }

    /** Key hashing settings. */
    interface Keys {
        /**
         * Server-side pepper: when set, secrets are stored as HMAC-SHA-256(pepper, secret) instead of SHA-256(secret).
         * To change it, list the old one in {@link #previousPeppers()} for an overlap.
         */
        Optional<String> pepper();

        /**
         * Earlier peppers, still accepted during a rotation: a key whose secret matches under one of them verifies, and
         * is hashed again under {@link #pepper()} on that first use. {@code none} stands for no pepper (plain SHA-256).
         * Remove them once no key matches under them any more (README "Rotating secrets").
         */
        Optional<List<String>> previousPeppers();

        /**
         * The pepper a rotation is about to move to, accepted but never hashed to: the first step of a rolling
         * rotation, so that every replica accepts the new pepper before any of them starts hashing keys under it.
         */
        Optional<String> nextPepper();
    }

    /** Who may do what on the management plane. */
    interface Security {
        /** The JWT group whose members are platform administrators (may create organizations). */
        @WithDefault("latchkey-admin")
        String platformAdminGroup();
    }

    /** Limits on what clients may send. */
    interface Http {
        /** Largest request body accepted (suffixes K, M); larger answers 413 problem+json. */
        @WithDefault("64K")
        MemorySize maxBodySize();
    }
}
