package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.File;
import java.util.List;
import java.util.Map;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;

/**
 * Two packaged replicas given the same signing keys: each one's identity tokens verify against the other's JWKS, so an
 * upstream may fetch the key set from any replica.
 */
class IdentityTokenIT {

    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_tokens");
        String keys = new File("src/test/resources/token-keys/current.jwk.json").getAbsolutePath() + ","
                + new File("src/test/resources/token-keys/previous.jwk.json").getAbsolutePath();
        a = ServiceProcess.start("tokens-a", url, Map.of("latchkey.token.keys", keys));
        b = ServiceProcess.start("tokens-b", url, Map.of("latchkey.token.keys", keys));
        RestAssured.port = a.port;
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceProcess.closeAll(a, b);
        RestAssured.reset();
    }

    private static JwtConsumer consumerOf(ServiceProcess s) throws Exception {
        String jwks = given().baseUri(s.baseUrl()).get("/.well-known/jwks.json").then().statusCode(200).extract()
                .asString();
        return new JwtConsumerBuilder().setExpectedIssuer("latchkey").setExpectedAudience("latchkey-upstream")
                .setRequireExpirationTime().setRequireSubject()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build();
    }

    private static String tokenFrom(ServiceProcess s, String key) {
        return given().baseUri(s.baseUrl()).header("X-API-Key", key).queryParam("token", "1").get("/authorize").then()
                .statusCode(200).extract().header("X-Latchkey-Token");
    }

    @Test
    void tokensFromEitherReplicaVerifyAgainstEitherKeySet() throws Exception {
        Api.Fixture f = Api.fixture();
        String org = f.slug();
        String ot = f.token();
        String ws = f.ws();
        String[] k = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
        String fromA = tokenFrom(a, k[1]);
        String fromB = tokenFrom(b, k[1]);
        assertNotEquals(fromA, fromB, "each replica mints its own");
        for (JwtConsumer c : List.of(consumerOf(a), consumerOf(b))) {
            for (String t : List.of(fromA, fromB)) {
                JwtClaims claims = c.processToClaims(t);
                assertEquals(k[0], claims.getClaimValueAsString("key_id"));
            }
        }
    }
}
