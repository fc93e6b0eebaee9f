package dev.latchkey.gateway;

import static dev.latchkey.support.Api.as;
import static dev.latchkey.support.Api.wsScope;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.latchkey.support.Api;
import dev.latchkey.support.TestClock;

/**
 * The identity token of an allowed /authorize, checked with a standard JWT library (jose4j) against the published JWKS:
 * signature, claims, the expiry cap, tampering, a key rotation's overlap, and reuse of a token until the key changes.
 */
@QuarkusTest
class IdentityTokenTest {

    @Inject
    TestClock clock;

    private JwtConsumer consumer() throws Exception {
        String jwks = given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        List<JsonWebKey> keys = new JsonWebKeySet(jwks).getJsonWebKeys();
        assertEquals(2, keys.size(), "the signing key and the previous one are published");
        return new JwtConsumerBuilder().setExpectedIssuer("latchkey").setExpectedAudience("latchkey-upstream")
                .setRequireExpirationTime().setRequireIssuedAt().setRequireSubject().setRequireJwtId()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys)).build();
    }

    private static String token(String key) {
        return given().header("X-API-Key", key).header("X-Latchkey-Permission", "read").queryParam("token", "1")
                .get("/authorize").then().statusCode(200).extract().header("X-Latchkey-Token");
    }

    @Test
    void onlyAnAnswerThatAsksCarriesAToken() throws Exception {
        Api.Fixture o = Api.fixture();
        String key = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1];
        // not asked (latchkey.token.default is false): the route pays nothing
        given().header("X-API-Key", key).get("/authorize").then().statusCode(200)
                .header("X-Latchkey-Key-Id", notNullValue()).header("X-Latchkey-Token", (String) null);
        given().header("X-API-Key", key).header("X-Latchkey-Want-Token", "0").get("/authorize/v1/docs").then()
                .statusCode(200).header("X-Latchkey-Token", (String) null);
        given().header("X-API-Key", key).queryParam("token", "no").get("/authorize").then().statusCode(200)
                .header("X-Latchkey-Token", (String) null);
        // asked by query (nginx, Traefik: the configured URL) or by header (Envoy HTTP: headers_to_add)
        JwtConsumer consumer = consumer();
        String byQuery = given().header("X-API-Key", key).queryParam("token", "1").get("/authorize").then()
                .statusCode(200).extract().header("X-Latchkey-Token");
        String byHeader = given().header("X-API-Key", key).header("X-Latchkey-Want-Token", "1")
                .get("/authorize/v1/docs").then().statusCode(200).extract().header("X-Latchkey-Token");
        String byTrue = given().header("X-API-Key", key).header("X-Latchkey-Want-Token", "true").get("/authorize")
                .then().statusCode(200).extract().header("X-Latchkey-Token");
        for (String t : List.of(byQuery, byHeader, byTrue)) {
            assertEquals("service", consumer.processToClaims(t).getClaimValueAsString("kind"));
        }
        // a denial carries none even when asked
        given().header("X-API-Key", key).header("X-Latchkey-Permission", "write").queryParam("token", "1")
                .get("/authorize").then().statusCode(403).header("X-Latchkey-Token", (String) null);
    }

    @Test
    void anAllowedRequestCarriesAVerifiableTokenWithTheKeysIdentity() throws Exception {
        Api.Fixture o = Api.fixture();
        String expiry = clock.instant().plus(Duration.ofMinutes(2)).toString();
        String[] k = Api.key(o.slug(), o.token(), Map.of("kind", "service", "name", "shop-reader", "role", "viewer",
                "scope", wsScope(o.ws()), "expiresAt", expiry));
        String token = token(k[1]);
        JwtClaims c = consumer().processToClaims(token);
        assertEquals("shop-reader", c.getSubject());
        assertEquals(k[0], c.getClaimValueAsString("key_id"));
        assertEquals(o.slug(), c.getClaimValueAsString("org"));
        assertEquals("service", c.getClaimValueAsString("kind"));
        assertEquals(List.of(o.ws()), c.getStringListClaimValue("workspaces"));
        assertTrue(c.getStringListClaimValue("permissions").contains("read"), c.toJson());
        long lifetime = c.getExpirationTime().getValue() - c.getIssuedAt().getValue();
        assertTrue(lifetime <= 120 && lifetime >= 100, "capped by the key's expiry (2 min), was " + lifetime + " s");
        // a key without expiry: the configured five minutes
        String[] free = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())));
        JwtClaims f = consumer().processToClaims(token(free[1]));
        assertEquals(300, f.getExpirationTime().getValue() - f.getIssuedAt().getValue());
        // denials carry none
        given().header("X-API-Key", free[1]).header("X-Latchkey-Permission", "write").queryParam("token", "1")
                .get("/authorize").then().statusCode(403).header("X-Latchkey-Token", (String) null);
    }

    @Test
    void aTamperedOrForeignTokenFailsAndThePreviousKeyStillVerifies() throws Exception {
        Api.Fixture o = Api.fixture();
        String key = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "role", "viewer", "scope", wsScope(o.ws())))[1];
        String token = token(key);
        String[] parts = token.split("\\.");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                                .replace("\"service\"", "\"admin\"").getBytes())
                + "." + parts[2];
        JwtConsumer consumer = consumer();
        assertThrows(InvalidJwtException.class, () -> consumer.processToClaims(forged));
        // a token from a replica still signing with the previous key (a rotation's overlap) verifies
        PublicJsonWebKey previous = PublicJsonWebKey.Factory
                .newPublicJwk(Files.readString(Path.of("src/test/resources/token-keys/previous.jwk.json")));
        JwtClaims claims = consumer.processToClaims(token);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(previous.getPrivateKey());
        jws.setKeyIdHeaderValue(previous.calculateBase64urlEncodedThumbprint("SHA-256"));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        assertEquals(claims.getJwtId(), consumer.processToClaims(jws.getCompactSerialization()).getJwtId());
        // one signed by a key that is not published does not
        PublicJsonWebKey stranger = org.jose4j.jwk.EcJwkGenerator.generateJwk(org.jose4j.keys.EllipticCurves.P256);
        jws.setKey(stranger.getPrivateKey());
        jws.setKeyIdHeaderValue(stranger.calculateBase64urlEncodedThumbprint("SHA-256"));
        String foreign = jws.getCompactSerialization();
        assertThrows(InvalidJwtException.class, () -> consumer.processToClaims(foreign));
    }

    @Test
    void aTokenIsReusedUntilTheKeyChanges() throws Exception {
        Api.Fixture o = Api.fixture();
        String[] k = Api.key(o.slug(), o.token(),
                Map.of("kind", "service", "name", "before", "role", "viewer", "scope", wsScope(o.ws())));
        String first = token(k[1]);
        assertEquals(first, token(k[1]), "reused while more than half of its lifetime is left");
        as(o.token()).body(Map.of("name", "after")).patch(o.keys() + "/" + k[0]).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !token(k[1]).equals(first));
        String renamed = token(k[1]);
        assertNotEquals(first, renamed);
        assertEquals("after", consumer().processToClaims(renamed).getSubject());
        clock.advance(Duration.ofSeconds(226)); // past three quarters of five minutes
        // still answered with the current token while the next is signed in the background, then the next
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !token(k[1]).equals(renamed));
        JwtClaims next = consumer().processToClaims(token(k[1]));
        assertTrue(next.getIssuedAt().getValue() >= clock.millis() / 1000 - 5, "signed at the (advanced) current time");
    }
}
