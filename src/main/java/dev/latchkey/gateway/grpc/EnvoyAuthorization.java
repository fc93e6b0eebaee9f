package dev.latchkey.gateway.grpc;

import java.time.Clock;
import java.util.List;
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

import dev.latchkey.common.Cidr;
import dev.latchkey.gateway.token.IdentityTokens;
import dev.latchkey.security.Permissions;
import dev.latchkey.verify.Decision;
import dev.latchkey.verify.VerifyCode;
import dev.latchkey.verify.VerifyMetrics;
import dev.latchkey.verify.VerifyRequest;
import dev.latchkey.verify.VerifyService;
import dev.latchkey.verify.http.PresentedKey;

/**
 * Envoy ext_authz over gRPC ({@code envoy.service.auth.v3.Authorization/Check}), served on the main HTTP port (HTTP/2
 * cleartext): the same decisions, codes and identity headers as {@code /authorize}. The key, workspace and permission
 * come from the original request's headers (lower-case in gRPC), or context extensions {@code workspace} /
 * {@code permission}; the original method and path (for route rules) from {@code attributes.request.http}; the client
 * address from {@code attributes.source}. Every well-formed check answers a {@code CheckResponse}: allowed with
 * {@code OkHttpResponse} headers, denied with {@code DeniedHttpResponse} (status, {@code x-latchkey-code},
 * {@code retry-after}) and {@code status.code} PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED or UNAVAILABLE.
 */
@GrpcService
public class EnvoyAuthorization extends AuthorizationGrpc.AuthorizationImplBase {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EnvoyAuthorization.class);

    /** google.rpc.Code values. */
    static final int OK = 0;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    private final VerifyService verify;
    private final IdentityTokens tokens;
    private final Clock clock;

    public EnvoyAuthorization(VerifyService verify, IdentityTokens tokens, Clock clock) {
        this.verify = verify;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> observer) {
        try {
            decide(request, observer);
        } catch (RuntimeException e) {
            // never an RPC failure: Envoy would apply failure_mode_allow; a bug answers 503 like a lost database
            LOG.error("ext_authz check failed", e);
            observer.onNext(denied(Decision.of(VerifyCode.UNAVAILABLE), 0));
            observer.onCompleted();
        }
    }

    private void decide(CheckRequest request, StreamObserver<CheckResponse> observer) {
        AttributeContext.HttpRequest http = request.getAttributes().getRequest().getHttp();
        Map<String, String> headers = http.getHeadersMap();
        Map<String, String> extensions = request.getAttributes().getContextExtensionsMap();
        String key = PresentedKey.of(headers.get("authorization"), headers.get("x-api-key"));
        if (key == null || key.isEmpty()) {
            observer.onNext(denied(Decision.missing(), 0));
            observer.onCompleted();
            return;
        }
        String workspace = first(headers.get("x-latchkey-workspace"), extensions.get("workspace"));
        String permission = first(headers.get("x-latchkey-permission"), extensions.get("permission"));
        List<String> permissions = permission == null ? null : Permissions.parseList(permission);
        if (permission != null && permissions == null) {
            observer.onNext(denied(Decision.of(VerifyCode.INSUFFICIENT_PERMISSIONS), 0));
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
        verify.verify(new VerifyRequest(key, workspace, permissions, () -> ip, original),
                VerifyMetrics.Endpoint.AUTHORIZE).onComplete(ar -> {
                    CheckResponse answer;
                    try {
                        answer = ar.failed() ? denied(Decision.of(VerifyCode.UNAVAILABLE), 0)
                                : ar.result().valid()
                                        ? allowed(ar.result(),
                                                tokens.wanted(first(headers.get("x-latchkey-want-token"),
                                                        extensions.get("token"))))
                                        : denied(ar.result(), clock.millis());
                    } catch (RuntimeException e) {
                        LOG.error("ext_authz answer failed", e);
                        answer = denied(Decision.of(VerifyCode.UNAVAILABLE), 0);
                    }
                    observer.onNext(answer);
                    observer.onCompleted();
                });
    }

    private CheckResponse allowed(Decision d, boolean withToken) {
        OkHttpResponse.Builder ok = OkHttpResponse.newBuilder().addHeaders(header("x-latchkey-key-id", d.key().keyId()))
                .addHeaders(header("x-latchkey-organization", d.org().slug()))
                .addHeaders(header("x-latchkey-actor", d.key().actorHeader()))
                .addHeaders(header("x-latchkey-permissions", d.permissionsHeader()));
        if (withToken) {
            ok.addHeaders(header("x-latchkey-token", tokens.tokenFor(d, clock.millis())));
        }
        return CheckResponse.newBuilder().setStatus(com.google.rpc.Status.newBuilder().setCode(OK)).setOkResponse(ok)
                .build();
    }

    static CheckResponse denied(Decision d, long nowMillis) {
        VerifyCode code = d.code();
        long retryAfter = d.retryAfterSeconds(nowMillis);
        int status = code.gatewayStatus(false, retryAfter > 0);
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(StatusCode.forNumber(status)))
                .addHeaders(header("x-latchkey-code", code.name()));
        if (status == 401) {
            denied.addHeaders(header("www-authenticate", "Bearer"));
        }
        if (retryAfter > 0) {
            denied.addHeaders(header("retry-after", String.valueOf(retryAfter)));
        }
        int rpc = code == VerifyCode.USAGE_EXCEEDED ? RESOURCE_EXHAUSTED : switch (status) {
        case 401 -> UNAUTHENTICATED;
        case 429 -> RESOURCE_EXHAUSTED;
        case 503 -> UNAVAILABLE;
        default -> PERMISSION_DENIED;
        };
        return CheckResponse.newBuilder().setStatus(com.google.rpc.Status.newBuilder().setCode(rpc))
                .setDeniedResponse(denied).build();
    }

    private static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value)).build();
    }

    private static String first(String header, String extension) {
        String v = header != null && !header.isBlank() ? header : extension;
        return v == null || v.isBlank() ? null : v.trim();
    }
}
