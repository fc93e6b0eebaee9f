package dev.latchkey.gateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The identity-token signers against the standards' own test vectors (RFC 6979, RFC 8032, RFC 8037), every signature
 * checked by an independent verifier (the JDK's, through jose4j), and the key files: both key types read, a key whose
 * public half is not its private half refused, the algorithm setting enforced.
 */
class SigningKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** RFC 8037 appendix A.1: the Ed25519 key of RFC 8032 §7.1, test 1. */
    private static final String RFC8037_KEY = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
            + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
            + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

    @Test
    void es256SignsRfc6979sDeterministicSignatureInJoseEncoding() throws Exception {
        // RFC 6979 A.2.5: P-256, SHA-256, message "sample"
        TokenSigner.Es256 signer = TokenSigner
                .es256(new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16));
        byte[] sig = signer.sign("sample".getBytes(StandardCharsets.US_ASCII));
        assertEquals("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                + "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8", HEX.formatHex(sig));
        assertEquals("ES256", signer.alg());
        assertEquals("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
                signer.publicPoint().getAffineXCoord().toBigInteger().toString(16));
    }

    @Test
    void ed25519SignsRfc8032sSignatureAndRfc8037sJws() throws Exception {
        SigningKeys.Key key = SigningKeys.read(JSON.readTree(RFC8037_KEY));
        assertEquals("EdDSA", key.signer().alg());
        // RFC 8032 §7.1, test 1: the empty message
        assertEquals(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                HEX.formatHex(key.signer().sign(new byte[0])));
        // RFC 8037 A.3 (thumbprint) and A.4 (a JWS)
        assertEquals("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", key.kid());
        String input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        assertEquals("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
                B64.encodeToString(key.signer().sign(input.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void generatedKeysOfEitherAlgorithmSignWhatTheJdkVerifiesAgainstTheirPublishedJwk() throws Exception {
        SecureRandom random = new SecureRandom();
        for (String alg : List.of("ES256", "EdDSA")) {
            SigningKeys.Key key = SigningKeys.generate(alg, random);
            assertEquals(alg, key.signer().alg());
            ObjectNode jwk = JSON.createObjectNode();
            key.publicMembers().forEach(jwk::put);
            PublicJsonWebKey published = PublicJsonWebKey.Factory.newPublicJwk(jwk.toString());
            assertEquals(published.calculateBase64urlEncodedThumbprint("SHA-256"), key.kid(), "RFC 7638 kid");
            for (int i = 0; i < 20; i++) {
                byte[] message = new byte[random.nextInt(600)];
                random.nextBytes(message);
                byte[] sig = key.signer().sign(message);
                assertEquals(64, sig.length);
                assertTrue(jdkVerifies(alg, published, message, sig), alg + " signature " + i);
                message = message.length == 0 ? new byte[] { 1 } : message;
                message[0] ^= 1;
                assertFalse(jdkVerifies(alg, published, message, sig), alg + " on another message");
            }
        }
    }

    /**
     * The event loops and the renewal thread sign with the same key at once: 8 threads, 50 signatures each of their own
     * messages, every one equal to the same message's signature made alone (both signers are deterministic).
     */
    @Test
    void oneSignerSignsFromManyThreadsAtOnceAsItDoesAlone() throws Exception {
        SecureRandom random = new SecureRandom();
        for (String alg : List.of("ES256", "EdDSA")) {
            TokenSigner signer = SigningKeys.generate(alg, random).signer();
            int threads = 8;
            int each = 50;
            byte[][] messages = new byte[threads * each][];
            byte[][] alone = new byte[messages.length][];
            for (int i = 0; i < messages.length; i++) {
                messages[i] = ("{\"jti\":\"" + i + "\"}").getBytes(StandardCharsets.US_ASCII);
                alone[i] = signer.sign(messages[i]);
            }
            byte[][] together = new byte[messages.length][];
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t * each;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = first; i < first + each; i++) {
                            together[i] = signer.sign(messages[i]);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < messages.length; i++) {
                assertEquals(HEX.formatHex(alone[i]), HEX.formatHex(together[i]), alg + " signature " + i);
            }
        }
    }

    private static boolean jdkVerifies(String alg, PublicJsonWebKey key, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        Signature v = Signature.getInstance(alg.equals("ES256") ? "SHA256withECDSAinP1363Format" : "Ed25519");
        v.initVerify(key.getPublicKey());
        v.update(message);
        return v.verify(sig);
    }

    @Test
    void aTokenSignedWithEitherKeyVerifiesWithJose4jAgainstTheJwks() throws Exception {
        Path ed = Path.of("src/test/resources/token-keys/ed25519.jwk.json");
        Path ec = Path.of("src/test/resources/token-keys/current.jwk.json");
        // a rotation from ES256 to EdDSA: the new key signs, the old one is still published
        List<SigningKeys.Key> keys = SigningKeys.load(List.of(ed.toString(), ec.toString()), null, JSON);
        String jwks = new SigningKeys(keys, JSON).jwks();
        List<JsonWebKey> published = new JsonWebKeySet(jwks).getJsonWebKeys();
        assertEquals(List.of("OKP", "EC"), published.stream().map(JsonWebKey::getKeyType).toList());
        assertEquals(List.of("EdDSA", "ES256"), published.stream().map(JsonWebKey::getAlgorithm).toList());
        assertFalse(jwks.contains("\"d\""), "no private member is published: " + jwks);
        for (SigningKeys.Key k : keys) {
            String header = "{\"alg\":\"" + k.signer().alg() + "\",\"kid\":\"" + k.kid() + "\"}";
            String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + B64.encodeToString("{\"sub\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            String jws = input + "." + B64.encodeToString(k.signer().sign(input.getBytes(StandardCharsets.US_ASCII)));
            JsonWebSignature check = new JsonWebSignature();
            check.setCompactSerialization(jws);
            check.setKey(
                    published.stream().filter(p -> p.getKeyId().equals(k.kid())).findFirst().orElseThrow().getKey());
            assertTrue(check.verifySignature(), k.signer().alg());
        }
    }

    @Test
    void aKeyFileIsRefusedWhenItsPublicHalfIsNotItsPrivateHalfOrItIsNoSupportedKey() throws Exception {
        String ec = Files.readString(Path.of("src/test/resources/token-keys/current.jwk.json"));
        String otherEc = Files.readString(Path.of("src/test/resources/token-keys/previous.jwk.json"));
        String otherY = JSON.readTree(otherEc).path("y").asText();
        String wrongY = ((ObjectNode) JSON.readTree(ec)).put("y", otherY).toString();
        assertRefused(wrongY, "its y is not the public half of its d");
        String wrongX = ((ObjectNode) JSON.readTree(RFC8037_KEY))
                .put("x", "cVVpx8xHo44jvtXfgPED3Ze-0DJrnGW6SqNdy7scJLM").toString();
        assertRefused(wrongX, "its x is not the public half of its d");
        assertRefused(((ObjectNode) JSON.readTree(ec)).put("d", B64.encodeToString(new byte[32])).toString(),
                "its d is not a P-256 private key");
        assertRefused(((ObjectNode) JSON.readTree(RFC8037_KEY)).put("d", "AAAA").toString(), "its d must be 32 bytes");
        assertRefused(((ObjectNode) JSON.readTree(RFC8037_KEY)).put("d", "not base64!").toString(),
                "its d is not base64url");
        assertRefused(((ObjectNode) JSON.readTree(ec)).without("d").toString(), "a private JWK (with d)");
        assertRefused(((ObjectNode) JSON.readTree(RFC8037_KEY)).put("alg", "ES256").toString(),
                "its alg ES256 is not its key type's, EdDSA");
        assertRefused("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQAB\"}", "not RSA");
        assertRefused(((ObjectNode) JSON.readTree(RFC8037_KEY)).put("crv", "X25519").toString(), "not OKP X25519");
        // the same files load as they are, and with their own alg and other members
        assertEquals("ES256", SigningKeys.read(JSON.readTree(ec)).signer().alg());
        assertEquals("ES256",
                SigningKeys
                        .read(((ObjectNode) JSON.readTree(ec)).put("alg", "ES256").put("use", "sig").put("kid", "k1"))
                        .signer().alg());
        assertEquals("EdDSA", SigningKeys.read(JSON.readTree(RFC8037_KEY)).signer().alg());
    }

    private static void assertRefused(String jwk, String why) throws Exception {
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> SigningKeys.read(JSON.readTree(jwk)));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        String d = JSON.readTree(jwk).path("d").asText();
        assertTrue(d.length() < 8 || !e.getMessage().contains(d), "the private key is not echoed: " + e.getMessage());
    }

    @Test
    void theAlgorithmSettingChoosesTheGeneratedKeyAndMustMatchTheSigningFile() {
        String ed = "src/test/resources/token-keys/ed25519.jwk.json";
        String ec = "src/test/resources/token-keys/current.jwk.json";
        assertEquals("ES256", SigningKeys.load(List.of(), null, JSON).get(0).signer().alg());
        assertEquals("EdDSA", SigningKeys.load(List.of(), "EdDSA", JSON).get(0).signer().alg());
        assertEquals("ES256", SigningKeys.load(List.of(), "ES256", JSON).get(0).signer().alg());
        assertEquals("EdDSA", SigningKeys.load(List.of(ed, ec), "EdDSA", JSON).get(0).signer().alg());
        assertEquals("ES256", SigningKeys.load(List.of(ec, ed), null, JSON).get(0).signer().alg());
        IllegalStateException mismatch = assertThrows(IllegalStateException.class,
                () -> SigningKeys.load(List.of(ec, ed), "EdDSA", JSON));
        assertEquals("latchkey.token.algorithm is EdDSA but the first file of latchkey.token.keys, which signs, is an "
                + "ES256 key", mismatch.getMessage());
        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> SigningKeys.load(List.of(), "RS256", JSON));
        assertEquals("latchkey.token.algorithm must be ES256 or EdDSA, not RS256", unknown.getMessage());
    }
}
