package dev.latchkey.gateway.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.cache.CachedKey;

/**
 * The identity token of an allowed request (DESIGN §4, "phantom token"): an ES256 JWT with {@code iss}, {@code sub}
 * (the actor), {@code aud}, {@code iat}, {@code exp} (the configured lifetime, never beyond the key's expiry),
 * {@code jti}, and {@code key_id}, {@code org}, {@code kind}, {@code workspaces}, {@code permissions}.
 * <p>
 * Signing costs far more than a verification, so a token is kept on the cache entry and reused while it has more than
 * half its lifetime left and the same permissions and organization state. A change to the key replaces the entry (and
 * with it the token); a change to the organization replaces its state, which the reuse check compares by identity.
 */
@Singleton
public class IdentityTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final JsonFactory JSON = new JsonFactory();

    /** A minted token and what it was minted for. */
    record Minted(String token, long expiresAtMillis, long reuseUntilMillis, String permissions, Object orgState) {
    }

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final long ttlMillis;
    private final boolean enabled;

    public IdentityTokens(SigningKeys keys, LatchkeyConfig config) {
        this.keys = keys;
        this.issuer = config.token().issuer();
        this.audience = config.token().audience();
        this.ttlMillis = config.token().ttl().toMillis();
        this.enabled = config.token().enabled();
    }

    public boolean enabled() {
        return enabled;
    }

    /** The token for an allowed decision: the one cached on the key when still good for it, else a new one. */
    public String tokenFor(Decision d, long nowMillis) {
        CachedKey k = d.key();
        String permissions = d.permissionsHeader();
        Object orgState = d.org();
        if (k.identityToken() instanceof Minted m && nowMillis < m.reuseUntilMillis()
                && m.permissions().equals(permissions) && m.orgState() == orgState) {
            return m.token();
        }
        Minted minted = mint(d, nowMillis, permissions, orgState);
        k.identityToken(minted);
        return minted.token();
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
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + key.kid() + "\"}";
        StringBuilder claims = new StringBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(new java.io.Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                claims.append(cbuf, off, len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        })) {
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
        String signingInput = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format"); // JOSE's R || S, 64 bytes
            s.initSign(key.privateKey());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String token = signingInput + "." + B64.encodeToString(s.sign());
            return new Minted(token, exp, nowMillis + (exp - nowMillis) / 2, permissions, orgState);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an identity token", e);
        }
    }
}
