package dev.latchkey.gateway.token;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.util.BigIntegers;

/**
 * The plain-Java half of {@link OpenSslSigner}, which the JVM's tests can run: the PKCS #8 encoding of a key handed to
 * OpenSSL, the conversion of OpenSSL's DER ECDSA signatures to JOSE's R || S, and the BouncyCastle verifier of the test
 * signature made when OpenSSL is loaded.
 */
final class SignerEncodings {

    /** PKCS #8 of an Ed25519 key (RFC 8410 §7) before its 32-byte seed. */
    private static final byte[] ED25519_PKCS8 = HexFormat.of().parseHex("302e020100300506032b657004220420");
    /** PKCS #8 of a P-256 key (RFC 5958, RFC 5915: version 1, no parameters or public key inside) before d. */
    private static final byte[] P256_PKCS8 = HexFormat.of()
            .parseHex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420");

    private SignerEncodings() {
    }

    /** PKCS #8 of the key (zero it after use). */
    static byte[] pkcs8(TokenSigner bc) {
        if (bc instanceof TokenSigner.Es256 es) {
            byte[] der = Arrays.copyOf(P256_PKCS8, P256_PKCS8.length + 32);
            BigIntegers.asUnsignedByteArray(es.key().getD(), der, P256_PKCS8.length, 32);
            return der;
        }
        if (bc instanceof TokenSigner.EdDsa ed) {
            byte[] der = Arrays.copyOf(ED25519_PKCS8, ED25519_PKCS8.length + 32);
            ed.key().encode(der, ED25519_PKCS8.length);
            return der;
        }
        throw new IllegalArgumentException("not a BouncyCastle signer: " + bc.alg());
    }

    /**
     * A DER ECDSA signature ({@code SEQUENCE {INTEGER r, INTEGER s}}, X9.62) as JOSE's R || S, 32 bytes each (RFC 7518
     * §3.4).
     */
    static byte[] joseEcdsa(byte[] der) {
        if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            throw new IllegalStateException("not a DER ECDSA signature");
        }
        byte[] out = new byte[64];
        int i = 2;
        for (int part = 0; part < 2; part++) {
            if (der[i] != 0x02) {
                throw new IllegalStateException("not a DER ECDSA signature");
            }
            int len = der[i + 1];
            int start = i + 2;
            int end = start + len;
            if (len < 1 || len > 33 || end > der.length) {
                throw new IllegalStateException("not a DER ECDSA signature");
            }
            while (end - start > 32 && der[start] == 0) {
                start++; // the sign byte of a value with its top bit set
            }
            if (end - start > 32) {
                throw new IllegalStateException("not a DER ECDSA signature");
            }
            System.arraycopy(der, start, out, part * 32 + 32 - (end - start), end - start);
            i = end;
        }
        if (i != der.length) {
            throw new IllegalStateException("not a DER ECDSA signature");
        }
        return out;
    }

    /** Whether BouncyCastle's verifier takes the signature for the key's public half. */
    static boolean verifies(TokenSigner bc, byte[] message, byte[] signature) {
        if (bc instanceof TokenSigner.Es256 es) {
            SHA256Digest digest = new SHA256Digest();
            digest.update(message, 0, message.length);
            byte[] hash = new byte[32];
            digest.doFinal(hash, 0);
            ECDSASigner v = new ECDSASigner();
            v.init(false, new ECPublicKeyParameters(es.publicPoint(), TokenSigner.Es256.DOMAIN));
            return signature.length == 64
                    && v.verifySignature(hash, new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)),
                            new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)));
        }
        if (bc instanceof TokenSigner.EdDsa ed) {
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, new Ed25519PublicKeyParameters(ed.publicKey(), 0));
            v.update(message, 0, message.length);
            return v.verifySignature(signature);
        }
        return false;
    }
}
