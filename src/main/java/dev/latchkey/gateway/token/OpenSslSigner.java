package dev.latchkey.gateway.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.graalvm.nativeimage.ImageInfo;
import org.graalvm.nativeimage.PinnedObject;
import org.graalvm.nativeimage.StackValue;
import org.graalvm.nativeimage.c.type.CCharPointer;
import org.graalvm.nativeimage.c.type.CCharPointerPointer;
import org.graalvm.nativeimage.c.type.CLongPointer;
import org.graalvm.nativeimage.c.type.CTypeConversion;
import org.graalvm.word.PointerBase;
import org.jboss.logging.Logger;

/**
 * The signing key's signatures made by the system's OpenSSL (libcrypto 3 or 1.1.1, {@link LibCrypto}) in the native
 * executable (README, "Identity token for upstreams"): P-256 signs in about 27 µs there against about 100 µs with
 * BouncyCastle, Ed25519 in about 35-70 µs against 41 µs. On the JVM, where GraalVM's C interface does not exist, and
 * wherever libcrypto cannot be loaded, the BouncyCastle signer it would wrap is used as it is.
 * <p>
 * The private key is handed to OpenSSL once, as PKCS #8 ({@code d2i_AutoPrivateKey}); the Java copy of that encoding is
 * zeroed. An {@code EVP_PKEY} may be shared by threads for signing, its contexts may not. ES256 signs the SHA-256
 * digest ({@code SHA256}) with an {@code EVP_PKEY_CTX} made ready once and reused ({@link Contexts}): setting one up
 * per signature ({@code EVP_DigestSignInit}, which looks the algorithms up in OpenSSL 3's provider tables) cost 40-43
 * µs a signature on the team's VM against 27-29 µs reused (a C loop, 20,000 signatures each). Ed25519 signs in one call
 * with a context of its own each time, which reuse would barely shorten (51-72 against 51-68 µs). ES256 nonces are
 * OpenSSL's (random, with the private key mixed in), not RFC 6979's: the signatures verify the same but differ from
 * BouncyCastle's for the same input. When loaded, the wrapper signs a test message and checks it with BouncyCastle's
 * verifier; if that fails it is not used. The library is loaded when the first token is signed ({@link Deferred}), not
 * at start.
 */
public final class OpenSslSigner implements TokenSigner {

    private static final Logger LOG = Logger.getLogger(OpenSslSigner.class);
    private final String alg;
    private final LibCrypto fn;
    /** The {@code EVP_PKEY *}: created once, never freed (a process has one signing key). */
    private final long pkey;
    /** ES256's reusable signing contexts; null for EdDSA. */
    private final Contexts contexts;

    private OpenSslSigner(String alg, LibCrypto fn, long pkey) {
        this.alg = alg;
        this.fn = fn;
        this.pkey = pkey;
        this.contexts = alg.equals(ES256) ? new Contexts(fn, pkey) : null;
    }

    /**
     * OpenSSL's signer for this key, or the key's own signer when OpenSSL is not to be had: not the native executable,
     * no libcrypto, or a self-test that does not verify.
     */
    public static TokenSigner wrap(TokenSigner bc) {
        if (!ImageInfo.inImageRuntimeCode()) {
            return bc;
        }
        LibCrypto fn = LibCrypto.load();
        if (fn == null) {
            LOG.info("Identity tokens are signed by BouncyCastle: no libcrypto.so.3 or libcrypto.so.1.1 to load");
            return bc;
        }
        byte[] der = SignerEncodings.pkcs8(bc);
        long pkey;
        try (PinnedObject p = PinnedObject.create(der)) {
            CCharPointerPointer in = StackValue.get(CCharPointerPointer.class);
            in.write(p.addressOfArrayElement(0));
            pkey = fn.d2iAutoPrivateKey(in, der.length);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        if (pkey == 0) {
            LOG.warn("OpenSSL did not take the identity-token key; tokens are signed by BouncyCastle");
            return bc;
        }
        OpenSslSigner signer = new OpenSslSigner(bc.alg(), fn, pkey);
        byte[] probe = ("latchkey openssl self-test " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        byte[] sig = signer.sign(probe);
        if (!SignerEncodings.verifies(bc, probe, sig)) {
            LOG.warn("OpenSSL's test signature did not verify; identity tokens are signed by BouncyCastle");
            return bc;
        }
        LOG.infof("Identity tokens (%s) are signed by %s", bc.alg(), fn.version);
        return signer;
    }

    @Override
    public String alg() {
        return alg;
    }

    @Override
    public byte[] sign(byte[] signingInput) {
        CCharPointer out = StackValue.get(160);
        CLongPointer outLen = StackValue.get(CLongPointer.class);
        outLen.write(160);
        int ok = 0;
        if (contexts != null) {
            CCharPointer digest = StackValue.get(32);
            long ctx = contexts.take();
            if (ctx != 0) {
                try (PinnedObject in = PinnedObject.create(signingInput)) {
                    fn.sha256(in.addressOfArrayElement(0), signingInput.length, digest);
                    ok = fn.pkeySign(ctx, out, outLen, digest, 32);
                } finally {
                    contexts.giveBack(ctx, ok == 1);
                }
            }
        } else {
            PointerBase ctx = fn.mdCtxNew();
            if (ctx.isNull()) {
                throw new IllegalStateException("EVP_MD_CTX_new failed");
            }
            try (PinnedObject in = PinnedObject.create(signingInput)) {
                ok = fn.digestSignInit(ctx, pkey);
                if (ok == 1) {
                    ok = fn.digestSign(ctx, out, outLen, in.addressOfArrayElement(0), signingInput.length);
                }
            } finally {
                fn.mdCtxFree(ctx);
            }
        }
        if (ok != 1) {
            throw new IllegalStateException("OpenSSL failed to sign");
        }
        byte[] sig = new byte[(int) outLen.read()];
        CTypeConversion.asByteBuffer(out, sig.length).get(sig);
        return alg.equals(ES256) ? SignerEncodings.joseEcdsa(sig) : sig;
    }

    /**
     * ES256's signing contexts ({@code EVP_PKEY_CTX}, made ready with {@code EVP_PKEY_sign_init} once), reused without
     * a lock: a slot holds an idle context's address or 0. A signer takes one by setting its slot from that address to
     * 0 and puts it back by setting an empty slot from 0 to the address. Only one compare-and-set can move a given
     * address to 0, so no two threads ever hold the same context; a context taken, used and put back between another
     * thread's read and its compare-and-set is idle again when that thread takes it. When every slot is empty (more
     * threads signing at once than there are slots) a new context is made, and one that finds no empty slot to return
     * to is freed, as one whose signature failed is: the contexts kept are bounded by the slots and none leaks.
     */
    static final class Contexts {
        private final LibCrypto fn;
        private final long pkey;
        private final AtomicLongArray idle;

        Contexts(LibCrypto fn, long pkey) {
            this.fn = fn;
            this.pkey = pkey;
            // room for the event loops (Vert.x's default: two per core) and the renewal thread signing at once; a
            // thread beyond them still signs, with a context made and freed for it
            this.idle = new AtomicLongArray(2 * Runtime.getRuntime().availableProcessors() + 2);
        }

        /** An idle context, or a new one; 0 when OpenSSL could not make one. */
        long take() {
            for (int i = 0; i < idle.length(); i++) {
                long c = idle.get(i);
                if (c != 0 && idle.compareAndSet(i, c, 0)) {
                    return c;
                }
            }
            return fn.pkeySignContext(pkey);
        }

        void giveBack(long c, boolean healthy) {
            if (healthy) {
                for (int i = 0; i < idle.length(); i++) {
                    if (idle.get(i) == 0 && idle.compareAndSet(i, 0, c)) {
                        return;
                    }
                }
            }
            fn.pkeyCtxFree(c);
        }
    }

    /**
     * OpenSSL loaded when the first token is signed, not at start: a deployment that never asks for tokens maps no
     * libcrypto (about 4 MiB of resident pages) and spends no start-up time on it (about 20 ms: {@code dlopen}, the
     * key, the test signature). The first signature starts the load on its own thread and, like every signature until
     * the load is done, is made by BouncyCastle; from then on OpenSSL signs (or BouncyCastle still, if {@link #wrap}
     * declined).
     */
    public static final class Deferred implements TokenSigner {
        private final TokenSigner bc;
        private final AtomicBoolean loading = new AtomicBoolean();
        private volatile TokenSigner signer;

        public Deferred(TokenSigner bc) {
            this.bc = bc;
            this.signer = bc;
        }

        @Override
        public String alg() {
            return bc.alg();
        }

        @Override
        public byte[] sign(byte[] signingInput) {
            if (!loading.get() && loading.compareAndSet(false, true)) {
                Thread t = new Thread(() -> {
                    try {
                        signer = wrap(bc);
                    } catch (RuntimeException | LinkageError e) {
                        LOG.warnf("OpenSSL could not be loaded (%s); identity tokens are signed by BouncyCastle",
                                e.toString());
                    }
                }, "latchkey-openssl-load");
                t.setDaemon(true);
                t.start();
            }
            return signer.sign(signingInput);
        }
    }
}
