package dev.latchkey.support;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/** Mints JWTs for tests: valid ones with the test key, and the broken kinds the matrix needs. */
public final class Tokens {

    public static final String ISSUER = "https://issuer.latchkey.test";

    /** Signing with an explicit key lets the same helper serve @QuarkusTest and black-box ITs. */
    private static final PrivateKey KEY;

    static {
        try {
            KEY = KeyUtils.readPrivateKey("test-jwt/privateKey.pem");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Tokens() {
    }

    /** A valid user token. */
    public static String user(String subject) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).expiresIn(3600).sign(KEY);
    }

    /** A valid platform-admin token. */
    public static String platformAdmin(String subject) {
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of("latchkey-admin")).expiresIn(3600).sign(KEY);
    }

    /** A token that expired an hour ago. */
    public static String expired(String subject) {
        return Jwt.issuer(ISSUER).subject(subject).issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).sign(KEY);
    }

    /** A valid token whose payload was changed afterwards (subject swapped): the signature no longer matches. */
    public static String tampered(String subject, String forgedSubject) {
        String[] parts = user(subject).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"" + subject + "\"", "\"" + forgedSubject + "\"");
        parts[1] = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return String.join(".", parts);
    }

    /** A token from another issuer, signed with the right key. */
    public static String otherIssuer(String subject) {
        return Jwt.issuer("https://evil.example").subject(subject).expiresIn(3600).sign(KEY);
    }

    /** A token with the right issuer but signed by a key the service does not trust. */
    public static String wrongKey(String subject) {
        try {
            PrivateKey other = KeyUtils.readPrivateKey("test-jwt/otherPrivateKey.pem");
            return Jwt.issuer(ISSUER).subject(subject).expiresIn(3600).sign(other);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
