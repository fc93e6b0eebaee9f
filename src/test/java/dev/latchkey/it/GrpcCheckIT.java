package dev.latchkey.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.restassured.RestAssured;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.support.Api;
import dev.latchkey.support.PostgresTestResource;

/**
 * gRPC ext_authz against the packaged service, over HTTP/2 cleartext on its one port: allowed, denied, and — with the
 * database cut — UNAVAILABLE (503) for a key the cache cannot answer, while a cached key stays allowed. The jar carries
 * its calls on Netty's epoll transport, the native executable on NIO (README, "Configuration").
 */
class GrpcCheckIT {

    static CheckRequest check(String key) {
        return CheckRequest.newBuilder()
                .setAttributes(
                        AttributeContext.newBuilder()
                                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest
                                        .newBuilder().putHeaders("x-api-key", key).setMethod("GET").setPath("/docs"))))
                .build();
    }

    @Test
    void checkOnThePackagedServiceIncludingADatabaseOutage() throws Exception {
        String url = PostgresTestResource.recreate("latchkey_it_grpc");
        String[] hp = PostgresTestResource.hostPort().split(":");
        try (TcpProxy proxy = new TcpProxy(hp[0], Integer.parseInt(hp[1]));
                ServiceProcess s = ServiceProcess.start("grpc",
                        url.replace(PostgresTestResource.hostPort(), "127.0.0.1:" + proxy.port),
                        Map.of("quarkus.datasource.jdbc.acquisition-timeout", "2S"))) {
            RestAssured.port = s.port;
            String log = Files.readString(s.log);
            assertTrue(log.contains(ServiceProcess.nativeImage() ? "Network transport: NIO (the native executable's)"
                    : "Network transport: epoll"), log);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", s.port).usePlaintext().build();
            try {
                AuthorizationGrpc.AuthorizationBlockingStub authz = AuthorizationGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, TimeUnit.SECONDS);
                Api.Fixture f = Api.fixture();
                String org = f.slug();
                String ot = f.token();
                String ws = f.ws();
                String known = Api.key(org, ot,
                        Map.of("kind", "service", "role", "viewer", "scope", Api.wsScope(ws)))[1];
                CheckResponse ok = authz.check(check(known));
                assertEquals(0, ok.getStatus().getCode());
                CheckResponse unknown = authz
                        .check(check(KeyFormat.format(KeyPrefix.SERVICE, "Y".repeat(16), "Q".repeat(43))));
                assertEquals(16, unknown.getStatus().getCode(), "UNAUTHENTICATED");

                proxy.cut();
                String unseen = KeyFormat.format(KeyPrefix.SERVICE, "Z".repeat(16), "Q".repeat(43));
                Awaitility.await("an unseen key answered UNAVAILABLE").atMost(Duration.ofSeconds(30))
                        .until(() -> authz.check(check(unseen)).getStatus().getCode() == 14);
                CheckResponse down = authz.check(check(unseen));
                assertEquals(503, down.getDeniedResponse().getStatus().getCodeValue());
                assertEquals(0, authz.check(check(known)).getStatus().getCode(), "a cached key stays allowed");
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
