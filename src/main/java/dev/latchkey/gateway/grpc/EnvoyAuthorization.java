package dev.latchkey.gateway.grpc;

import java.time.Clock;
import java.util.Map;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.Problems;
import dev.latchkey.error.RequestIds;
import dev.latchkey.gateway.GatewayAnswer;
import dev.latchkey.gateway.GatewayQuestion;
import dev.latchkey.gateway.VerifyJson;
import dev.latchkey.gateway.token.IdentityTokens;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.VerifyRequest;
import dev.latchkey.verify.VerifyService;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.VerifyCode;

/**
 * Envoy ext_authz over gRPC ({@code envoy.service.auth.v3.Authorization/Check}), served on the main HTTP port (HTTP/2
 * cleartext). The question is read as {@code /authorize} reads it ({@link GatewayQuestion}: the original request's
 * headers, lower-case in gRPC, or the context extensions {@code workspace}, {@code permission}, {@code token}); the
 * original method and path (for route rules) come from {@code attributes.request.http}, the client address from
 * {@code attributes.source}. The answer is {@link GatewayAnswer}'s, rendered as a {@code CheckResponse}: allowed, an
 * {@code OkHttpResponse} whose identity headers go upstream and whose rate-limit headers go back to the client
 * ({@code response_headers_to_add}); denied, a {@code DeniedHttpResponse} with the status, headers and body
 * {@code /authorize} would send, and {@code status.code} UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
 * UNAVAILABLE — or INVALID_ARGUMENT for the 400 of an unreadable {@code x-latchkey-permission}.
 */
@GrpcService
public class EnvoyAuthorization extends AuthorizationGrpc.AuthorizationImplBase {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EnvoyAuthorization.class);

    private final VerifyService verify;
    private final IdentityTokens tokens;
    private final VerifyJson json;
    private final Clock clock;

    public EnvoyAuthorization(VerifyService verify, IdentityTokens tokens, VerifyJson json, Clock clock) {
        this.verify = verify;
        this.tokens = tokens;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> observer) {
        try {
            decide(request, observer);
        } catch (RuntimeException e) {
            // never an RPC failure: Envoy would apply failure_mode_allow; a bug answers 503 like a lost database
            LOG.error("ext_authz check failed", e);
            observer.onNext(answer(Decision.of(VerifyCode.UNAVAILABLE), null));
            observer.onCompleted();
        }
    }

    private void decide(CheckRequest request, StreamObserver<CheckResponse> observer) {
        AttributeContext.HttpRequest http = request.getAttributes().getRequest().getHttp();
        Map<String, String> headers = http.getHeadersMap();
        Map<String, String> extensions = request.getAttributes().getContextExtensionsMap();
        GatewayQuestion q = GatewayQuestion.read(headers::get, extensions::get);
        if (q.invalid() != null) {
            observer.onNext(invalid(GatewayAnswer.invalid(q), headers.get("x-request-id")));
            observer.onCompleted();
            return;
        }
        if (q.noKey()) {
            observer.onNext(answer(Decision.missing(), q));
            observer.onCompleted();
            return;
        }
        String source = request.getAttributes().getSource().getAddress().getSocketAddress().getAddress();
        byte[] ip = source.isEmpty() ? null : Cidr.literal(source);
        String method = http.getMethod().isEmpty() ? null : http.getMethod();
        String path = http.getPath().isEmpty() ? null : http.getPath();
        VerifyRequest.Original original = new VerifyRequest.Original() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String path() {
                return path;
            }
        };
        verify.verify(new VerifyRequest(q.key(), q.workspace(), q.permissions(), () -> ip, original),
                VerifyMetrics.Endpoint.AUTHORIZE).onComplete(ar -> {
                    CheckResponse answer;
                    try {
                        answer = answer(ar.failed() ? Decision.of(VerifyCode.UNAVAILABLE) : ar.result(), q);
                    } catch (RuntimeException e) {
                        LOG.error("ext_authz answer failed", e);
                        answer = answer(Decision.of(VerifyCode.UNAVAILABLE), null);
                    }
                    observer.onNext(answer);
                    observer.onCompleted();
                });
    }

    /** The decision as {@link GatewayAnswer} maps it, rendered for Envoy; {@code q} null: an answer of our own. */
    CheckResponse answer(Decision d, GatewayQuestion q) {
        long now = clock.millis();
        String token = d.valid() && q != null && tokens.wanted(q.wantToken()) ? tokens.tokenFor(d, now) : null;
        Rendered r = new Rendered();
        GatewayAnswer.write(d, q != null && q.nginx(), token, now, r);
        if (d.valid()) {
            return r.response.setOkResponse(r.ok).build();
        }
        return r.response.setDeniedResponse(r.denied.addHeaders(option("content-type", "application/json"))
                .setBody(json.write(d.codeOnly()).toString())).build();
    }

    /** The 400 of a question that could not be read, with the problem /authorize would send. */
    static CheckResponse invalid(ApiException e, String requestId) {
        String id = RequestIds.of(requestId);
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(StatusCode.forNumber(e.status())))
                .addHeaders(option("content-type", Problems.MEDIA_TYPE)).addHeaders(option("x-request-id", id))
                .setBody(Problems.json(e, id));
        return CheckResponse.newBuilder()
                .setStatus(com.google.rpc.Status.newBuilder().setCode(GatewayAnswer.RPC_INVALID_ARGUMENT))
                .setDeniedResponse(denied).build();
    }

    /** Collects an answer: identity headers upstream, the rest back to the client (only the builder needed). */
    private static final class Rendered implements GatewayAnswer.Target {
        final CheckResponse.Builder response = CheckResponse.newBuilder();
        OkHttpResponse.Builder ok;
        DeniedHttpResponse.Builder denied;

        @Override
        public void status(int httpStatus, int rpcCode) {
            response.setStatus(com.google.rpc.Status.newBuilder().setCode(rpcCode));
            if (rpcCode == GatewayAnswer.RPC_OK) {
                ok = OkHttpResponse.newBuilder();
            } else {
                denied = DeniedHttpResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.forNumber(httpStatus)));
            }
        }

        @Override
        public void header(GatewayAnswer.Header h, CharSequence value) {
            HeaderValueOption option = option(h.lower, value.toString());
            if (denied != null) {
                denied.addHeaders(option);
            } else if (h.to == GatewayAnswer.To.UPSTREAM) {
                ok.addHeaders(option);
            } else {
                ok.addResponseHeadersToAdd(option);
            }
        }
    }

    private static HeaderValueOption option(String name, String value) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value)).build();
    }
}
