package dev.latchkey.gateway.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What of the OpenSSL signer the JVM can check: the PKCS #8 encodings it hands to OpenSSL (read back by the JDK, which
 * must find the same private key), the DER-to-JOSE conversion of ECDSA signatures (on the JDK's own DER signatures, and
 * on the edge cases: a 33-byte integer with its sign byte, a short one, malformed input), the self-test's verifier, and
 * that the JVM keeps BouncyCastle's signer. The OpenSSL calls themselves run in the native executable only;
 * {@code IdentityTokenIT} verifies its tokens there, and checks the log names OpenSSL.
 */
class OpenSslSignerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MESSAGE = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0".getBytes(StandardCharsets.US_ASCII);

    @Test
    void p256KeyInPkcs8IsTheSamePrivateKeyForTheJdk() throws Exception {
        for (String d : new String[] { "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
                "00FFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", "1" }) {
            BigInteger secret = new BigInteger(d, 16);
            byte[] der = SignerEncodings.pkcs8(TokenSigner.es256(secret));
            assertEquals(67, der.length);
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            assertEquals(secret, key.getS());
            assertEquals(TokenSigner.Es256.DOMAIN.getN(), key.getParams().getOrder()); // P-256's
            assertEquals(TokenSigner.Es256.DOMAIN.getG().getAffineXCoord().toBigInteger(),
                    key.getParams().getGenerator().getAffineX());
        }
    }

    @Test
    void ed25519KeyInPkcs8SignsAsTheSameKeyForTheJdk() throws Exception {
        // RFC 8032 §7.1, test 1
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        TokenSigner.EdDsa bc = TokenSigner.ed25519(seed);
        byte[] der = SignerEncodings.pkcs8(bc);
        assertEquals(48, der.length);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
        jdk.update(MESSAGE);
        assertArrayEquals(bc.sign(MESSAGE), jdk.sign()); // Ed25519 is deterministic: the same key signs the same
    }

    @Test
    void derEcdsaSignaturesBecomeJoseSignaturesThatVerify() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256, new SecureRandom());
        var pair = g.generateKeyPair();
        Signature der = Signature.getInstance("SHA256withECDSA");
        Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
        int padded = 0;
        for (int i = 0; i < 200; i++) { // about half of the integers have their top bit set, some are shorter
            der.initSign(pair.getPrivate());
            der.update(MESSAGE);
            byte[] sig = der.sign();
            padded += sig.length > 70 ? 1 : 0;
            byte[] jose = SignerEncodings.joseEcdsa(sig);
            assertEquals(64, jose.length);
            p1363.initVerify(pair.getPublic());
            p1363.update(MESSAGE);
            assertTrue(p1363.verify(jose), HEX.formatHex(sig));
        }
        assertTrue(padded > 0, "no signature had a sign byte: the case was not exercised");
    }

    @Test
    void derEdgeCasesAreConvertedExactlyAndMalformedOnesRefused() {
        String r = "00" + "80".repeat(32); // 33 bytes: a sign byte before a top bit
        String s = "01".repeat(31); // 31 bytes: a short value, left-padded
        byte[] der = HEX.parseHex("3044" + "0221" + r + "021f" + s);
        assertEquals("80".repeat(32) + "00" + "01".repeat(31), HEX.formatHex(SignerEncodings.joseEcdsa(der)));

        for (String bad : new String[] { "", "3000", "3106020101020101", "3006020101020201", "3006020101030101",
                "30070201010201010a", "3026" + "0221" + "01" + "80".repeat(32) + "020101", "3006020001020101" }) {
            assertThrows(IllegalStateException.class, () -> SignerEncodings.joseEcdsa(HEX.parseHex(bad)), bad);
        }
    }

    @Test
    void theSelfTestVerifierTakesGoodSignaturesOnly() {
        SecureRandom random = new SecureRandom();
        for (String alg : new String[] { TokenSigner.ES256, TokenSigner.EDDSA }) {
            TokenSigner bc = SigningKeys.generate(alg, random).signer();
            TokenSigner other = SigningKeys.generate(alg, random).signer();
            byte[] sig = bc.sign(MESSAGE);
            assertTrue(SignerEncodings.verifies(bc, MESSAGE, sig), alg);
            assertFalse(SignerEncodings.verifies(other, MESSAGE, sig), alg + ": another key");
            byte[] changed = MESSAGE.clone();
            changed[3] ^= 1;
            assertFalse(SignerEncodings.verifies(bc, changed, sig), alg + ": another message");
            assertFalse(SignerEncodings.verifies(bc, MESSAGE, new byte[63]), alg + ": a short signature");
        }
    }

    /**
     * The deferred signer on the JVM: its first signature starts the load on a thread of its own (which keeps
     * BouncyCastle here); 8 threads signing at once meanwhile and after get BouncyCastle's deterministic signatures.
     */
    @Test
    void theDeferredSignerSignsAsItsKeyBeforeDuringAndAfterTheLoad() throws Exception {
        TokenSigner bc = TokenSigner
                .es256(new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16));
        OpenSslSigner.Deferred deferred = new OpenSslSigner.Deferred(bc);
        assertEquals(TokenSigner.ES256, deferred.alg());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> same = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                same.add(pool.submit(() -> Arrays.equals(bc.sign(message), deferred.sign(message))));
            }
            for (Future<Boolean> f : same) {
                assertTrue(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theJvmKeepsBouncyCastlesSigner() {
        TokenSigner bc = SigningKeys.generate(TokenSigner.ES256, new SecureRandom()).signer();
        assertSame(bc, OpenSslSigner.wrap(bc));
    }
}
