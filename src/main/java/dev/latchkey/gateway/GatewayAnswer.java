package dev.latchkey.gateway;

import java.util.Locale;

import io.vertx.core.http.HttpHeaders;

import dev.latchkey.error.ApiException;
import dev.latchkey.verify.Decision;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * What a gateway is told about a decision, whatever it asked through: the one mapping from a {@link Decision} to the
 * HTTP status, the gRPC status code and the headers, which {@code /authorize} and Envoy's gRPC check only render
 * (README, "Gateway mode"). Allowed: 200 with the identity headers (and the identity token when asked for). Denied: the
 * status of the code, {@code X-Latchkey-Code}, {@code WWW-Authenticate: Bearer} on a 401, {@code Retry-After} when
 * waiting helps (a rate limit, a quota that refills, the database unreachable). Both: the {@code X-RateLimit-*} headers
 * when the key has a rate limit.
 */
public final class GatewayAnswer {

    /** google.rpc.Code values of a gRPC check's {@code status}. */
    public static final int RPC_OK = 0;
    public static final int RPC_INVALID_ARGUMENT = 3;
    public static final int RPC_PERMISSION_DENIED = 7;
    public static final int RPC_RESOURCE_EXHAUSTED = 8;
    public static final int RPC_UNAVAILABLE = 14;
    public static final int RPC_UNAUTHENTICATED = 16;

    /** Where a header goes: to the upstream with the allowed request, or back to the client. */
    public enum To {
        UPSTREAM, CLIENT
    }

    /** Every header an answer can carry. */
    public enum Header {
        KEY_ID("X-Latchkey-Key-Id", To.UPSTREAM), ORGANIZATION("X-Latchkey-Organization", To.UPSTREAM),
        ACTOR("X-Latchkey-Actor", To.UPSTREAM), PERMISSIONS("X-Latchkey-Permissions", To.UPSTREAM),
        TOKEN("X-Latchkey-Token", To.UPSTREAM), CODE("X-Latchkey-Code", To.CLIENT),
        WWW_AUTHENTICATE("WWW-Authenticate", To.CLIENT), RETRY_AFTER("Retry-After", To.CLIENT),
        RATE_LIMIT("X-RateLimit-Limit", To.CLIENT), RATE_REMAINING("X-RateLimit-Remaining", To.CLIENT),
        RATE_RESET("X-RateLimit-Reset", To.CLIENT);

        /** The name as HTTP/1.1 answers write it, encoded once (this runs on every gateway request). */
        public final CharSequence http;
        /** The name as gRPC and HTTP/2 carry it. */
        public final String lower;
        public final To to;

        Header(String name, To to) {
            this.http = HttpHeaders.createOptimized(name);
            this.lower = name.toLowerCase(Locale.ROOT);
            this.to = to;
        }
    }

    /** What renders an answer: a Vert.x response, an Envoy {@code CheckResponse}. */
    public interface Target {
        /** Called first, once. */
        void status(int httpStatus, int rpcCode);

        void header(Header header, CharSequence value);
    }

    private static final CharSequence BEARER = HttpHeaders.createOptimized("Bearer");

    private GatewayAnswer() {
    }

    /**
     * Writes the answer to a decision.
     *
     * @param nginx
     *            whether the gateway is nginx, which treats anything but 2xx, 401 and 403 as an error: a 429 is sent as
     *            403 (the code header still says why)
     * @param token
     *            the identity token for an allowed answer that asked for one, else null
     */
    public static void write(Decision d, boolean nginx, CharSequence token, long nowMillis, Target target) {
        VerifyCode code = d.code();
        if (code == VerifyCode.VALID) {
            target.status(200, RPC_OK);
            target.header(Header.KEY_ID, d.key().keyId());
            target.header(Header.ORGANIZATION, d.org().slug());
            target.header(Header.ACTOR, d.key().actorHeader());
            target.header(Header.PERMISSIONS, d.permissionsHeader());
            if (token != null) {
                target.header(Header.TOKEN, token);
            }
        } else {
            long retryAfter = code == VerifyCode.UNAVAILABLE ? ApiException.RETRY_AFTER_SECONDS
                    : d.retryAfterSeconds(nowMillis);
            int status = status(code, false, retryAfter > 0);
            target.status(nginx ? status(code, true, retryAfter > 0) : status, rpcCode(code, status));
            target.header(Header.CODE, code.name());
            if (status == 401) {
                target.header(Header.WWW_AUTHENTICATE, BEARER);
            }
            if (retryAfter > 0) {
                target.header(Header.RETRY_AFTER, Long.toString(retryAfter));
            }
        }
        if (d.rate() != null) {
            target.header(Header.RATE_LIMIT, Long.toString(d.rate().limit()));
            target.header(Header.RATE_REMAINING, Long.toString(d.rate().remaining()));
            target.header(Header.RATE_RESET, Long.toString(d.rate().resetAtEpochSecond()));
        }
    }

    /** The 400 of a question that could not be read (every transport answers it alike). */
    public static ApiException invalid(GatewayQuestion q) {
        return ApiException.badRequest("validation_failed", "Not a permission: " + q.invalid());
    }

    /**
     * The HTTP status of a code. A spent quota is 429 only when a refill is due (retrying later helps), else 403; nginx
     * mode sends 403 for 429.
     */
    static int status(VerifyCode code, boolean nginx, boolean refillDue) {
        return switch (code) {
        case VALID -> 200;
        case NOT_FOUND, EXPIRED, REVOKED, DISABLED -> 401;
        case FORBIDDEN, INSUFFICIENT_PERMISSIONS, IP_NOT_ALLOWED, ROUTE_NOT_ALLOWED -> 403;
        case RATE_LIMITED -> nginx ? 403 : 429;
        case USAGE_EXCEEDED -> nginx || !refillDue ? 403 : 429;
        case UNAVAILABLE -> 503;
        };
    }

    /**
     * The gRPC status of a denial with this (non-nginx) HTTP status: a spent quota is RESOURCE_EXHAUSTED even when it
     * is a 403 (no refill is due), as Envoy's clients read the gRPC code.
     */
    static int rpcCode(VerifyCode code, int status) {
        if (code == VerifyCode.USAGE_EXCEEDED) {
            return RPC_RESOURCE_EXHAUSTED;
        }
        return switch (status) {
        case 401 -> RPC_UNAUTHENTICATED;
        case 429 -> RPC_RESOURCE_EXHAUSTED;
        case 503 -> RPC_UNAVAILABLE;
        default -> RPC_PERMISSION_DENIED;
        };
    }
}
