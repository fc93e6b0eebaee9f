package dev.latchkey.gateway.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.github.benmanes.caffeine.cache.Cache;

import io.netty.util.AsciiString;

import dev.latchkey.common.CaffeineShapes;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.keycache.CachedKey;
import dev.latchkey.verify.Decision;

/**
 * The identity token of an allowed request (README, "Verify API", "phantom token"): a JWT signed ES256 or EdDSA
 * ({@link SigningKeys}) with {@code iss}, {@code sub} (the actor), {@code aud}, {@code iat}, {@code exp} (the
 * configured lifetime, never beyond the key's expiry), {@code jti}, and {@code key_id}, {@code org}, {@code kind},
 * {@code workspaces}, {@code permissions}.
 * <p>
 * Only answers that ask for a token carry one ({@link #wanted}), unless {@code latchkey.token.default} is set. Signing
 * costs far more than a verification, so a token is kept in a bounded cache ({@code latchkey.token.cache-size}, keyed
 * by the key's cache entry) and reused for half to three quarters of its lifetime (spread, so that keys first used
 * together are not re-signed together) while the permissions and organization state are the same; after that the next
 * token is signed on a background thread while the current one, still valid, keeps being answered. Keys that never ask
 * for a token hold none: the cost is bounded by the keys that use tokens, not by the keys that are cached. A change to
 * the key replaces its cache entry (and so misses here); a change to the organization replaces its state, which the
 * reuse check compares by identity.
 */
@Singleton
public class IdentityTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * A minted token and what it was minted for. The token is held once, as the header's ASCII bytes; the gRPC answer
     * takes it as a {@code String}, which {@link AsciiString#toString()} makes at the first call and keeps.
     */
    record Minted(AsciiString header, long expiresAtMillis, long reuseUntilMillis, String permissions, Object orgState,
            AtomicBoolean renewing) {
    }

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final long ttlMillis;
    private final boolean byDefault;
    /** The token last minted for a key's cache entry; an entry replaced by a key change is simply not found again. */
    private final Cache<CachedKey, Minted> minted;
    /** Signs renewals of tokens still in use, so that the event loop signs only a key's first token. */
    private final ExecutorService renewer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "latchkey-token-renewal");
        t.setDaemon(true);
        return t;
    });

    private final Clock clock;

    public IdentityTokens(SigningKeys keys, LatchkeyConfig config, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        this.issuer = config.token().issuer();
        this.audience = config.token().audience();
        this.ttlMillis = config.token().ttl().toMillis();
        this.byDefault = config.token().byDefault();
        this.minted = CaffeineShapes.sizedExpiringAfterWrite(config.token().cacheSize(), config.token().ttl()).build();
    }

    /**
     * Whether an allowed answer carries a token: the gateway asked ({@code ?token=1}, {@code X-Latchkey-Want-Token: 1}
     * or gRPC context extension {@code token: "1"}; {@code true} is accepted too), or every answer does by
     * configuration.
     */
    public boolean wanted(String asked) {
        return byDefault || asked != null && (asked.equals("1") || asked.equalsIgnoreCase("true"));
    }

    /** The token for an allowed decision: the one cached on the key when still good for it, else a new one. */
    public String tokenFor(Decision d, long nowMillis) {
        return minted(d, nowMillis).header().toString();
    }

    /** The same, as a header value encoded once (written per response without converting characters again). */
    public CharSequence headerFor(Decision d, long nowMillis) {
        return minted(d, nowMillis).header();
    }

    private Minted minted(Decision d, long nowMillis) {
        CachedKey k = d.key();
        String permissions = d.permissionsHeader();
        Object orgState = d.org();
        Minted m = minted.getIfPresent(k);
        if (m != null && m.permissions().equals(permissions) && m.orgState() == orgState) {
            if (nowMillis < m.reuseUntilMillis()) {
                return m;
            }
            if (nowMillis < m.expiresAtMillis() - (m.expiresAtMillis() - m.reuseUntilMillis()) / 2
                    && m.renewing().compareAndSet(false, true)) {
                // still good for a while: answer with it and sign the next one off the event loop
                renewer.execute(() -> minted.put(k, mint(d, clock.millis(), permissions, orgState)));
                return m;
            }
            if (m.renewing().get() && nowMillis < m.expiresAtMillis() - 1_000) {
                return m; // the renewal is under way
            }
        }
        Minted fresh = mint(d, nowMillis, permissions, orgState);
        minted.put(k, fresh);
        return fresh;
    }

    private Minted mint(Decision d, long nowMillis, String permissions, Object orgState) {
        CachedKey k = d.key();
        long exp = nowMillis + ttlMillis;
        Instant keyExpiry = k.expiresAt();
        if (keyExpiry != null && keyExpiry.toEpochMilli() < exp) {
            exp = keyExpiry.toEpochMilli();
        }
        long iat = nowMillis / 1000;
        long expSeconds = exp / 1000;
        SigningKeys.Key key = keys.current();
        ByteArrayBuilder claims = new ByteArrayBuilder(320);
        try (JsonGenerator g = JSON.createGenerator(claims, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("iss", issuer);
            g.writeStringField("sub", k.actor());
            g.writeStringField("aud", audience);
            g.writeNumberField("iat", iat);
            g.writeNumberField("exp", expSeconds);
            g.writeStringField("jti", UUID.randomUUID().toString());
            g.writeStringField("key_id", k.keyId());
            g.writeStringField("org", d.org().slug());
            g.writeStringField("kind", k.kind().wire());
            g.writeArrayFieldStart("workspaces");
            for (String w : k.coveredWorkspaces(d.org())) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("permissions");
            for (String p : permissions.isEmpty() ? new String[0] : permissions.split(",")) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        // assembled as ASCII bytes, once: header.claims is signed, header.claims.signature is the token and, shared
        // with it, the header value written to every answer that carries it
        byte[] header = key.encodedJwtHeader().getBytes(StandardCharsets.US_ASCII);
        byte[] body = B64.encode(claims.toByteArray());
        int signed = header.length + 1 + body.length;
        byte[] input = new byte[signed];
        System.arraycopy(header, 0, input, 0, header.length);
        input[header.length] = '.';
        System.arraycopy(body, 0, input, header.length + 1, body.length);
        byte[] signature = B64.encode(key.signer().sign(input));
        byte[] token = Arrays.copyOf(input, signed + 1 + signature.length);
        token[signed] = '.';
        System.arraycopy(signature, 0, token, signed + 1, signature.length);
        // reused for 50-75 % of its life: keys first used together (a warm-up, a burst) are not all re-signed at the
        // same moment, which stalled the event loop for a second at 10,000 keys
        long reuse = (long) ((exp - nowMillis) * (0.5 + 0.25 * ThreadLocalRandom.current().nextDouble()));
        return new Minted(new AsciiString(token, false), exp, nowMillis + reuse, permissions, orgState,
                new AtomicBoolean());
    }
}
