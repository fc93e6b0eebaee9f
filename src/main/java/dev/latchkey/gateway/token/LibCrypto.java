package dev.latchkey.gateway.token;

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
 * The functions of the system's libcrypto (OpenSSL 3 or 1.1.1) that {@link OpenSslSigner} calls, looked up once per
 * process with {@code dlopen} and {@code dlsym}. Their addresses are kept as numbers (a word type may not live in an
 * object's field on the JVM side of the build) and typed at each call. Reached only in the native executable.
 */
final class LibCrypto {

    private static final Logger LOG = Logger.getLogger(LibCrypto.class);
    private static final int RTLD_NOW = 2;
    private static final String[] NAMES = { "d2i_AutoPrivateKey", "SHA256", "EVP_MD_CTX_new", "EVP_DigestSignInit",
            "EVP_DigestSign", "EVP_MD_CTX_free", "OpenSSL_version", "EVP_PKEY_CTX_new", "EVP_PKEY_sign_init",
            "EVP_PKEY_sign", "EVP_PKEY_CTX_free" };
    private final long[] at;
    final String version;

    private LibCrypto(long[] at) {
        this.at = at;
        Version v = WordFactory.pointer(at[6]);
        this.version = CTypeConversion.toJavaString(v.invoke(0));
    }

    /** libcrypto.so.3, else libcrypto.so.1.1, with every function named above; null when there is none. */
    static LibCrypto load() {
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
        return new LibCrypto(at);
    }

    /** {@code EVP_PKEY *d2i_AutoPrivateKey(EVP_PKEY **, const unsigned char **, long)}: 0 when refused. */
    long d2iAutoPrivateKey(CCharPointerPointer in, long length) {
        D2i f = WordFactory.pointer(at[0]);
        return f.invoke(WordFactory.nullPointer(), in, length).rawValue();
    }

    /** {@code SHA256(d, n, md)}: the digest into 32 bytes at {@code md}. */
    void sha256(CCharPointer d, long n, CCharPointer md) {
        Digest f = WordFactory.pointer(at[1]);
        f.invoke(d, n, md);
    }

    PointerBase mdCtxNew() {
        NoArgs f = WordFactory.pointer(at[2]);
        return f.invoke();
    }

    /** {@code EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey)}: no digest (Ed25519 hashes by itself). */
    int digestSignInit(PointerBase ctx, long pkey) {
        SignInit f = WordFactory.pointer(at[3]);
        return f.invoke(ctx, WordFactory.nullPointer(), WordFactory.nullPointer(), WordFactory.nullPointer(),
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

    /** {@code EVP_PKEY_CTX_new(pkey, NULL)} made ready to sign ({@code EVP_PKEY_sign_init}); 0 on failure. */
    long pkeySignContext(long pkey) {
        PkeyCtxNew f = WordFactory.pointer(at[7]);
        PointerBase ctx = f.invoke(WordFactory.pointer(pkey), WordFactory.nullPointer());
        if (ctx.isNull()) {
            return 0;
        }
        Init init = WordFactory.pointer(at[8]);
        if (init.invoke(ctx) != 1) {
            pkeyCtxFree(ctx.rawValue());
            return 0;
        }
        return ctx.rawValue();
    }

    /** {@code EVP_PKEY_sign}: the signature of a digest; for ECDSA, DER. */
    int pkeySign(long ctx, CCharPointer sig, CLongPointer sigLen, CCharPointer tbs, long tbsLen) {
        Sign f = WordFactory.pointer(at[9]);
        return f.invoke(WordFactory.pointer(ctx), sig, sigLen, tbs, tbsLen);
    }

    void pkeyCtxFree(long ctx) {
        Free f = WordFactory.pointer(at[10]);
        f.invoke(WordFactory.pointer(ctx));
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

    interface Digest extends CFunctionPointer {
        @InvokeCFunctionPointer
        CCharPointer invoke(CCharPointer d, long n, CCharPointer md);
    }

    interface SignInit extends CFunctionPointer {
        @InvokeCFunctionPointer
        int invoke(PointerBase ctx, PointerBase pctx, PointerBase md, PointerBase engine, PointerBase pkey);
    }

    interface Sign extends CFunctionPointer {
        @InvokeCFunctionPointer
        int invoke(PointerBase ctx, CCharPointer sig, CLongPointer sigLen, CCharPointer tbs, long tbsLen);
    }

    interface PkeyCtxNew extends CFunctionPointer {
        @InvokeCFunctionPointer
        PointerBase invoke(PointerBase pkey, PointerBase engine);
    }

    interface Init extends CFunctionPointer {
        @InvokeCFunctionPointer
        int invoke(PointerBase ctx);
    }

    interface Free extends CFunctionPointer {
        @InvokeCFunctionPointer
        void invoke(PointerBase p);
    }

    interface Version extends CFunctionPointer {
        @InvokeCFunctionPointer
        CCharPointer invoke(int type);
    }
}
