package dev.latchkey.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Says at start-up which transport carries the gateways' calls (README, "Configuration"). On the JVM on Linux it is
 * Netty's epoll ({@code quarkus.vertx.prefer-native-transport}), which costs less CPU per {@code /authorize} than the
 * JDK's NIO selector; a JVM that fell back to NIO says why, as a warning. The native executable runs on NIO: Quarkus
 * 3.37 substitutes Vert.x's choice of a native transport with the JDK's in native executables, so the build leaves the
 * epoll library out (the {@code jvm-transport} profile of the pom). A sidecar that silently fell back would answer
 * correctly but dearer; this line is what an operator, and the ITs on the jar and on the executable, can check.
 */
@ApplicationScoped
class NetworkTransport {

    private static final Logger LOG = Logger.getLogger(NetworkTransport.class);

    void report(@Observes StartupEvent start, Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("Network transport: epoll");
        } else if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            LOG.info("Network transport: NIO (the native executable's)");
        } else if (System.getProperty("os.name", "").startsWith("Linux")) {
            LOG.warnf("Network transport: NIO, epoll unavailable (%s)", vertx.unavailableNativeTransportCause());
        } else {
            LOG.info("Network transport: NIO");
        }
    }
}
