package dev.latchkey.gateway;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * On the JVM on Linux (the machines CI and production use) the service runs on Netty's epoll transport: the native
 * library loads, matches Netty's classes, and Vert.x took it. Fails if the dependency or the setting is lost, or if a
 * Netty upgrade leaves the library behind: the service would fall back to NIO and answer at a higher CPU cost.
 * ({@code GrpcCheckIT} checks the start-up line of the packaged jar and of the native executable.)
 */
@QuarkusTest
class NetworkTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void vertxRunsOnEpoll() {
        assertNull(vertx.unavailableNativeTransportCause(), "why epoll could not be used");
        assertTrue(vertx.isNativeTransportEnabled(), "quarkus.vertx.prefer-native-transport");
    }
}
