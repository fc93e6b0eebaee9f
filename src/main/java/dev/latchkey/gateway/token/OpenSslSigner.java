package dev.latchkey.gateway.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import org.graalvm.nativeimage.ImageInfo;
import org.graalvm.nativeimage.PinnedObject;
import org.graalvm.nativeimage.StackValue;
import org.graalvm.nativeimage.c.function.CFunction;
import org.graalvm.nativeimage.c.function.CFunctionPointer;
import org.graalvm.nativeimage.c.function.InvokeCFunctionPointer;
import org.graalvm.nativeimage.c.type.CCharPointer;
import org.graalvm.nativeimage.c.type.CCharPointerPointer;
import org.graalvm.nativeimage.c.type.CLongPointer;
import org.graalvm.nativeimage.c.type.CTypeConversion;
import org.graalvm.word.PointerBase;
import org.graalvm.word.WordFactory;
import org.jboss.logging.Logger;

/**
 * The signing key's signatures made by the system's OpenSSL (libcrypto 3 or 1.1.1, loaded with {@code dlopen}) in the
 * native executable (README, "Identity token for upstreams"): P-256 signs in about 20 µs there against about 100 µs
 * with BouncyCastle, Ed25519 in about 35 µs against 41 µs. On the JVM, where GraalVM's C interface does not exist, and
 * wherever libcrypto cannot be loaded, the BouncyCastle signer it would wrap is used as it is.
 * <p>
 * The private key is handed to OpenSSL once, as PKCS #8 ({@code d2i_AutoPrivateKey}); the Java copy of that encoding is
 * zeroed. Every signature takes its own {@code EVP_MD_CTX} (an {@code EVP_PKEY} may be shared by threads for signing),
 * so instances are safe for concurrent use. ES256 nonces are OpenSSL's (random, with the private key mixed in), not RFC
 * 6979's: the signatures verify the same but differ from BouncyCastle's for the same input. When loaded, the wrapper
 * signs a test message and checks it with BouncyCastle's verifier; if that fails it is not used. The library is loaded
 * when the first token is signed ({@link Deferred}), not at start.
 */
public final class OpenSslSigner implements TokenSigner {

    private static final Logger LOG = Logger.getLogger(OpenSslSigner.class);
    private static final int RTLD_NOW = 2;
    private final String alg;
    private final Functions fn;
    /** The {@code EVP_PKEY *}: created once, never freed (a process has one signing key). */
    private final long pkey;
    /** {@code EVP_sha256()} for ES256, 0 (none: Ed25519 hashes by itself) for EdDSA. */
    private final long md;

    private OpenSslSigner(String alg, Functions fn, long pkey, long md) {
        this.alg = alg;
        this.fn = fn;
        this.pkey = pkey;
        this.md = md;
    }

    /**
     * OpenSSL's signer for this key, or the key's own signer when OpenSSL is not to be had: not the native executable,
     * no libcrypto, or a self-test that does not verify.
     */
    public static TokenSigner wrap(TokenSigner bc) {
        if (!ImageInfo.inImageRuntimeCode()) {
            return bc;
        }
        Functions fn = Functions.load();
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
        OpenSslSigner signer = new OpenSslSigner(bc.alg(), fn, pkey, bc.alg().equals(ES256) ? fn.sha256() : 0);
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
        PointerBase ctx = fn.mdCtxNew();
        if (ctx.isNull()) {
            throw new IllegalStateException("EVP_MD_CTX_new failed");
        }
        int ok;
        try (PinnedObject in = PinnedObject.create(signingInput)) {
            ok = fn.digestSignInit(ctx, md, pkey);
            if (ok == 1) {
                ok = fn.digestSign(ctx, out, outLen, in.addressOfArrayElement(0), signingInput.length);
            }
        } finally {
            fn.mdCtxFree(ctx);
        }
        if (ok != 1) {
            throw new IllegalStateException("OpenSSL EVP_DigestSign failed");
        }
        byte[] sig = new byte[(int) outLen.read()];
        CTypeConversion.asByteBuffer(out, sig.length).get(sig);
        return alg.equals(ES256) ? SignerEncodings.joseEcdsa(sig) : sig;
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

    /** {@code void *dlopen(const char *, int)} and {@code dlsym}: the C library's, linked into every executable. */
    @CFunction(value = "dlopen", transition = CFunction.Transition.TO_NATIVE)
    private static native PointerBase dlopen(CCharPointer file, int mode);

    @CFunction(value = "dlsym", transition = CFunction.Transition.TO_NATIVE)
    private static native PointerBase dlsym(PointerBase handle, CCharPointer symbol);

    interface NoArgs extends CFunctionPointer {
        @InvokeCFunctionPointer
        PointerBase invoke();
    }

    interface D2i extends CFunctionPointer {
        @InvokeCFunctionPointer
        PointerBase invoke(PointerBase existing, CCharPointerPointer in, long length);
    }

    interface SignInit extends CFunctionPointer {
        @InvokeCFunctionPointer
        int invoke(PointerBase ctx, PointerBase pctx, PointerBase md, PointerBase engine, PointerBase pkey);
    }

    interface Sign extends CFunctionPointer {
        @InvokeCFunctionPointer
        int invoke(PointerBase ctx, CCharPointer sig, CLongPointer sigLen, CCharPointer tbs, long tbsLen);
    }

    interface Free extends CFunctionPointer {
        @InvokeCFunctionPointer
        void invoke(PointerBase p);
    }

    interface Version extends CFunctionPointer {
        @InvokeCFunctionPointer
        CCharPointer invoke(int type);
    }

    /**
     * The libcrypto functions used, looked up once per process; their addresses are kept as numbers (a word type may
     * not live in an object's field on the JVM side of the build) and typed at each call.
     */
    private static final class Functions {
        private static final String[] NAMES = { "d2i_AutoPrivateKey", "EVP_sha256", "EVP_MD_CTX_new",
                "EVP_DigestSignInit", "EVP_DigestSign", "EVP_MD_CTX_free", "OpenSSL_version" };
        private final long[] at;
        final String version;

        private Functions(long[] at) {
            this.at = at;
            Version v = WordFactory.pointer(at[6]);
            this.version = CTypeConversion.toJavaString(v.invoke(0));
        }

        static Functions load() {
            long lib = 0;
            for (String name : new String[] { "libcrypto.so.3", "libcrypto.so.1.1" }) {
                try (CTypeConversion.CCharPointerHolder h = CTypeConversion.toCString(name)) {
                    lib = dlopen(h.get(), RTLD_NOW).rawValue();
                }
                if (lib != 0) {
                    break;
                }
            }
            if (lib == 0) {
                return null;
            }
            long[] at = new long[NAMES.length];
            for (int i = 0; i < NAMES.length; i++) {
                try (CTypeConversion.CCharPointerHolder h = CTypeConversion.toCString(NAMES[i])) {
                    at[i] = dlsym(WordFactory.pointer(lib), h.get()).rawValue();
                }
                if (at[i] == 0) {
                    LOG.warnf("libcrypto has no %s; identity tokens are signed by BouncyCastle", NAMES[i]);
                    return null;
                }
            }
            return new Functions(at);
        }

        long d2iAutoPrivateKey(CCharPointerPointer in, long length) {
            D2i f = WordFactory.pointer(at[0]);
            return f.invoke(WordFactory.nullPointer(), in, length).rawValue();
        }

        long sha256() {
            NoArgs f = WordFactory.pointer(at[1]);
            return f.invoke().rawValue();
        }

        PointerBase mdCtxNew() {
            NoArgs f = WordFactory.pointer(at[2]);
            return f.invoke();
        }

        int digestSignInit(PointerBase ctx, long md, long pkey) {
            SignInit f = WordFactory.pointer(at[3]);
            return f.invoke(ctx, WordFactory.nullPointer(), WordFactory.pointer(md), WordFactory.nullPointer(),
                    WordFactory.pointer(pkey));
        }

        int digestSign(PointerBase ctx, CCharPointer sig, CLongPointer sigLen, CCharPointer tbs, long tbsLen) {
            Sign f = WordFactory.pointer(at[4]);
            return f.invoke(ctx, sig, sigLen, tbs, tbsLen);
        }

        void mdCtxFree(PointerBase ctx) {
            Free f = WordFactory.pointer(at[5]);
            f.invoke(ctx);
        }
    }
}
