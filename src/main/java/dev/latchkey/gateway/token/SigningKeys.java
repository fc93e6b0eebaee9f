package dev.latchkey.gateway.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.ImageMode;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The keys identity tokens are signed with (README, "Identity token for upstreams"): configured private JWK files — EC
 * P-256 (ES256) or OKP Ed25519 (EdDSA); the first signs, all are published — or one key generated at start-up (run
 * time, never at build time) when none are configured, of {@code latchkey.token.algorithm} (ES256 by default). Public
 * keys are published as a JWKS with RFC 7638 thumbprints as {@code kid}.
 */
@Singleton
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * One key: its kid, its signer, the members of its public JWK that RFC 7638 hashes (in lexical order), and the
     * base64url JWT header its tokens carry ({@code alg}, {@code typ}, {@code kid}), which is the same for all of them.
     */
    record Key(String kid, TokenSigner signer, Map<String, String> publicMembers, String encodedJwtHeader) {

        static Key of(TokenSigner signer, Map<String, String> publicMembers) {
            String kid = thumbprint(publicMembers);
            String header = "{\"alg\":\"" + signer.alg() + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
            return new Key(kid, signer, publicMembers, B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final List<Key> keys = new ArrayList<>();
    private final String jwks;

    @Inject
    public SigningKeys(LatchkeyConfig config, ObjectMapper json) {
        List<String> files = config.token().keys().orElse(List.of());
        keys.addAll(load(files, config.token().algorithm().orElse(null), json));
        if (config.token().openssl() && ImageMode.current() == ImageMode.NATIVE_RUN) {
            Key signing = keys.get(0); // only the first key signs
            keys.set(0, new Key(signing.kid(), new OpenSslSigner.Deferred(signing.signer()), signing.publicMembers(),
                    signing.encodedJwtHeader()));
        }
        if (files.isEmpty()) {
            // any route may ask for a token, whatever latchkey.token.default says
            LOG.warn("latchkey.token.keys is not set: identity tokens are signed with a key generated at "
                    + "start-up, which other replicas do not have; configure shared keys for more than one");
        }
        this.jwks = jwks(keys, json);
    }

    /** Keys loaded by {@link #load}. */
    SigningKeys(List<Key> keys, ObjectMapper json) {
        this.keys.addAll(keys);
        this.jwks = jwks(keys, json);
    }

    /**
     * The configured keys, or one generated of the algorithm (ES256 when null) when there are no files; the first file
     * must be of the algorithm when one is given.
     */
    static List<Key> load(List<String> files, String algorithm, ObjectMapper json) {
        if (algorithm != null && !algorithm.equals(TokenSigner.ES256) && !algorithm.equals(TokenSigner.EDDSA)) {
            throw new IllegalStateException("latchkey.token.algorithm must be ES256 or EdDSA, not " + algorithm);
        }
        if (files.isEmpty()) {
            return List.of(generate(algorithm == null ? TokenSigner.ES256 : algorithm, new SecureRandom()));
        }
        List<Key> read = new ArrayList<>();
        for (String f : files) {
            try {
                read.add(read(json.readTree(Files.readString(Path.of(f.trim()), StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read latchkey.token.keys file " + f.trim(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("invalid identity-token key " + f.trim() + ": " + e.getMessage(), e);
            }
        }
        String signs = read.get(0).signer().alg();
        if (algorithm != null && !algorithm.equals(signs)) {
            throw new IllegalStateException("latchkey.token.algorithm is " + algorithm
                    + " but the first file of latchkey.token.keys, which signs, is an " + signs + " key");
        }
        return read;
    }

    /** The key that signs. */
    Key current() {
        return keys.get(0);
    }

    /** The public keys as a JWK Set. */
    public String jwks() {
        return jwks;
    }

    private static String jwks(List<Key> keys, ObjectMapper json) {
        ObjectNode set = json.createObjectNode();
        ArrayNode list = set.putArray("keys");
        for (Key k : keys) {
            ObjectNode jwk = list.addObject();
            k.publicMembers().forEach(jwk::put);
            jwk.put("kid", k.kid()).put("use", "sig").put("alg", k.signer().alg());
        }
        return set.toString();
    }

    /** A new key of the algorithm, from the random source. */
    static Key generate(String algorithm, SecureRandom random) {
        if (algorithm.equals(TokenSigner.EDDSA)) {
            byte[] d = new byte[32];
            random.nextBytes(d);
            return ed25519(TokenSigner.ed25519(d));
        }
        BigInteger n = TokenSigner.Es256.DOMAIN.getN();
        BigInteger d = BigIntegers.createRandomInRange(BigInteger.ONE, n.subtract(BigInteger.ONE), random);
        return es256(TokenSigner.es256(d));
    }

    /**
     * A private JWK: EC P-256 ({@code kty}, {@code crv}, {@code x}, {@code y}, {@code d}) or OKP Ed25519 (RFC 8037:
     * {@code kty}, {@code crv}, {@code x}, {@code d}). Its public members must be the public half of {@code d}, and its
     * {@code alg}, when it has one, the key type's.
     */
    static Key read(JsonNode jwk) throws GeneralSecurityException {
        String kty = jwk.path("kty").asText();
        String crv = jwk.path("crv").asText();
        if (!jwk.hasNonNull("d")) {
            throw new GeneralSecurityException("an identity-token key must be a private JWK (with d)");
        }
        Key key;
        if (kty.equals("EC") && crv.equals("P-256")) {
            BigInteger d = new BigInteger(1, bytes(jwk, "d", 32));
            if (d.signum() == 0 || d.compareTo(TokenSigner.Es256.DOMAIN.getN()) >= 0) {
                throw new GeneralSecurityException("its d is not a P-256 private key");
            }
            key = es256(TokenSigner.es256(d));
        } else if (kty.equals("OKP") && crv.equals("Ed25519")) {
            key = ed25519(TokenSigner.ed25519(bytes(jwk, "d", 32)));
        } else {
            throw new GeneralSecurityException(
                    "an identity-token key must be an EC P-256 or an OKP Ed25519 JWK, not " + kty + " " + crv);
        }
        if (jwk.hasNonNull("alg") && !jwk.path("alg").asText().equals(key.signer().alg())) {
            throw new GeneralSecurityException(
                    "its alg " + jwk.path("alg").asText() + " is not its key type's, " + key.signer().alg());
        }
        for (Map.Entry<String, String> m : key.publicMembers().entrySet()) {
            if (!m.getValue().equals(jwk.path(m.getKey()).asText())) {
                throw new GeneralSecurityException("its " + m.getKey() + " is not the public half of its d");
            }
        }
        return key;
    }

    private static Key es256(TokenSigner.Es256 signer) {
        ECPoint w = signer.publicPoint();
        Map<String, String> members = new LinkedHashMap<>();
        members.put("crv", "P-256");
        members.put("kty", "EC");
        members.put("x", B64.encodeToString(BigIntegers.asUnsignedByteArray(32, w.getAffineXCoord().toBigInteger())));
        members.put("y", B64.encodeToString(BigIntegers.asUnsignedByteArray(32, w.getAffineYCoord().toBigInteger())));
        return Key.of(signer, members);
    }

    private static Key ed25519(TokenSigner.EdDsa signer) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("crv", "Ed25519");
        members.put("kty", "OKP");
        members.put("x", B64.encodeToString(signer.publicKey()));
        return Key.of(signer, members);
    }

    /** RFC 7638: the SHA-256 of the required members in lexical order (RFC 8037 §2 names OKP's). */
    static String thumbprint(Map<String, String> members) {
        StringBuilder canonical = new StringBuilder("{");
        members.forEach((name, value) -> canonical.append(canonical.length() > 1 ? "," : "").append('"').append(name)
                .append("\":\"").append(value).append('"'));
        canonical.append('}');
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A base64url member of exactly {@code length} bytes. */
    private static byte[] bytes(JsonNode jwk, String member, int length) throws GeneralSecurityException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(jwk.path(member).asText());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("its " + member + " is not base64url");
        }
        if (raw.length != length) {
            Arrays.fill(raw, (byte) 0);
            throw new GeneralSecurityException("its " + member + " must be " + length + " bytes");
        }
        return raw;
    }
}
