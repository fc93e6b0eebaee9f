package dev.latchkey.gateway.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The ES256 keys identity tokens are signed with: configured private JWK files (the first signs, all are published), or
 * one key generated at start-up (run time, never at build time) when none are configured. Public keys are published as
 * a JWKS with RFC 7638 thumbprints as {@code kid}.
 */
@Singleton
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** One key: its private half (null for published-only keys), public half and kid. */
    record Key(String kid, PrivateKey privateKey, ECPublicKey publicKey) {
    }

    private final List<Key> keys = new ArrayList<>();
    private final String jwks;

    public SigningKeys(LatchkeyConfig config, ObjectMapper json) {
        List<String> files = config.token().keys().orElse(List.of());
        try {
            if (files.isEmpty()) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = g.generateKeyPair();
                ECPublicKey pub = (ECPublicKey) pair.getPublic();
                keys.add(new Key(thumbprint(pub), pair.getPrivate(), pub));
                // any route may ask for a token, whatever latchkey.token.default says
                LOG.warn("latchkey.token.keys is not set: identity tokens are signed with a key generated at "
                        + "start-up, which other replicas do not have; configure shared keys for more than one");
            } else {
                for (String f : files) {
                    keys.add(read(json.readTree(Files.readString(Path.of(f.trim()), StandardCharsets.UTF_8))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read latchkey.token.keys", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("invalid identity-token key", e);
        }
        ObjectNode set = json.createObjectNode();
        ArrayNode list = set.putArray("keys");
        for (Key k : keys) {
            ObjectNode jwk = list.addObject();
            jwk.put("kty", "EC").put("crv", "P-256").put("x", coordinate(k.publicKey().getW().getAffineX()))
                    .put("y", coordinate(k.publicKey().getW().getAffineY())).put("kid", k.kid()).put("use", "sig")
                    .put("alg", "ES256");
        }
        this.jwks = set.toString();
    }

    /** The key that signs. */
    Key current() {
        return keys.get(0);
    }

    /** Every key, the signer first. */
    List<Key> all() {
        return List.copyOf(keys);
    }

    /** The public keys as a JWK Set. */
    public String jwks() {
        return jwks;
    }

    /** A private EC P-256 JWK: kty, crv, x, y, d. */
    static Key read(JsonNode jwk) throws GeneralSecurityException {
        if (!"EC".equals(jwk.path("kty").asText()) || !"P-256".equals(jwk.path("crv").asText())
                || !jwk.hasNonNull("d")) {
            throw new GeneralSecurityException(
                    "an identity-token key must be a private EC P-256 JWK (kty, crv, x, y, d)");
        }
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        KeyFactory kf = KeyFactory.getInstance("EC");
        ECPublicKey pub = (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(
                new ECPoint(unsigned(jwk.path("x").asText()), unsigned(jwk.path("y").asText())), spec));
        PrivateKey priv = kf.generatePrivate(new ECPrivateKeySpec(unsigned(jwk.path("d").asText()), spec));
        return new Key(thumbprint(pub), priv, pub);
    }

    /** RFC 7638: the SHA-256 of the required members in lexical order. */
    static String thumbprint(ECPublicKey pub) throws GeneralSecurityException {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(pub.getW().getAffineX())
                + "\",\"y\":\"" + coordinate(pub.getW().getAffineY()) + "\"}";
        return B64.encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A P-256 coordinate as 32 big-endian bytes, base64url. */
    static String coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return B64.encodeToString(out);
    }

    private static BigInteger unsigned(String b64) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(b64));
    }
}
