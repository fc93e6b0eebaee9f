package dev.latchkey.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
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
 * Two packaged replicas in the middle of a rotation from an ES256 key to an Ed25519 one: both publish both keys, one
 * still signs ES256 and the other already EdDSA, and each one's identity tokens verify against the other's JWKS with a
 * standard JWT library (jose4j over the JDK's verifiers), so an upstream may fetch the key set from any replica. On the
 * native executable this is also the check that both signers work there.
 */
class IdentityTokenIT {

    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_tokens");
        String ec = new File("src/test/resources/token-keys/current.jwk.json").getAbsolutePath();
        String ed = new File("src/test/resources/token-keys/ed25519.jwk.json").getAbsolutePath();
        a = ServiceProcess.start("tokens-a", url, Map.of("latchkey.token.keys", ec + "," + ed));
        b = ServiceProcess.start("tokens-b", url,
                Map.of("latchkey.token.keys", ed + "," + ec, "latchkey.token.algorithm", "EdDSA"));
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
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.EDDSA)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build();
    }

    private static String tokenFrom(ServiceProcess s, String key) {
        return given().baseUri(s.baseUrl()).header("X-API-Key", key).queryParam("token", "1").get("/authorize").then()
                .statusCode(200).extract().header("X-Latchkey-Token");
    }

    private static Map<String, Object> header(String token) throws Exception {
        return JsonUtil.parseJson(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8));
    }

    @Test
    void tokensFromEitherReplicaAndEitherAlgorithmVerifyAgainstEitherKeySet() throws Exception {
        Api.Fixture f = Api.fixture();
        String org = f.slug();
        String ot = f.token();
        String ws = f.ws();
        String[] k = Api.key(org, ot, Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)));
        String fromA = tokenFrom(a, k[1]);
        String fromB = tokenFrom(b, k[1]);
        assertNotEquals(fromA, fromB, "each replica mints its own");
        assertEquals("ES256", header(fromA).get("alg"));
        assertEquals("EdDSA", header(fromB).get("alg"));
        for (JwtConsumer c : List.of(consumerOf(a), consumerOf(b))) {
            for (String t : List.of(fromA, fromB)) {
                JwtClaims claims = c.processToClaims(t);
                assertEquals(k[0], claims.getClaimValueAsString("key_id"));
            }
        }
        // a replica's token with one byte of its signature changed does not verify
        for (String t : List.of(fromA, fromB)) {
            int at = t.lastIndexOf('.') + 5;
            String forged = t.substring(0, at) + (t.charAt(at) == 'A' ? 'B' : 'A') + t.substring(at + 1);
            assertThrows(InvalidJwtException.class, () -> consumerOf(a).processToClaims(forged));
        }
    }

    /**
     * The native executable signs with the system's OpenSSL, loaded at the first token, the JVM with BouncyCastle (the
     * log says which): after one token from each replica both executables name OpenSSL and the JVMs do not; then the
     * tokens of 64 more keys, minted concurrently on both replicas by 16 clients, all verify. So OpenSSL's DER ECDSA
     * signatures were turned into JOSE's R || S correctly whatever the length of R and S (a quarter of them have no
     * sign byte to drop; 64 keys leave no realistic chance that no token needed it), and the ES256 replica's signing
     * contexts, reused by its event loops concurrently ({@code OpenSslSigner.Contexts}), signed each token for its own
     * claims.
     */
    @Test
    void theExecutableSignsWithOpenSslFromItsFirstTokenAndTheJvmWithBouncyCastle() throws Exception {
        Api.Fixture f = Api.fixture();
        List<String> keys = new ArrayList<>();
        Map<String, String> idOf = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            String[] created = Api.key(f.slug(), f.token(),
                    Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(f.ws())));
            keys.add(created[1]);
            idOf.put(created[1], created[0]);
        }
        tokenFrom(a, keys.get(0));
        tokenFrom(b, keys.get(0));
        if (ServiceProcess.nativeImage()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(a.log).contains("Identity tokens (ES256) are signed by OpenSSL")
                            && Files.readString(b.log).contains("Identity tokens (EdDSA) are signed by OpenSSL"));
        } else {
            assertFalse(Files.readString(a.log).contains("signed by OpenSSL"));
            assertFalse(Files.readString(b.log).contains("signed by OpenSSL"));
        }
        JwtConsumer verifier = consumerOf(a);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            Map<Future<String>, String> tokens = new HashMap<>();
            for (String key : keys.subList(1, keys.size())) {
                for (ServiceProcess s : List.of(a, b)) {
                    tokens.put(pool.submit(() -> tokenFrom(s, key)), key);
                }
            }
            assertEquals(128, tokens.size());
            for (Map.Entry<Future<String>, String> t : tokens.entrySet()) {
                JwtClaims claims = verifier.processToClaims(t.getKey().get(60, TimeUnit.SECONDS));
                assertEquals("latchkey-upstream", claims.getAudience().get(0));
                assertEquals(idOf.get(t.getValue()), claims.getClaimValue("key_id"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
