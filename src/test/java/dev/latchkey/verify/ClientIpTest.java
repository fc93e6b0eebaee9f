package dev.latchkey.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig;

/** X-Forwarded-For is believed only from trusted proxies, read from the right. */
class ClientIpTest {

    private static ClientIp withTrusted(List<String> cidrs) {
        LatchkeyConfig.Verify verify = new LatchkeyConfig.Verify() {
            public boolean cacheEnabled() {
                return true;
            }

            public long cacheMaxSize() {
                return 1;
            }

            public Duration negativeTtl() {
                return Duration.ofSeconds(1);
            }

            public long negativeMaxSize() {
                return 1;
            }

            public Duration maxStaleness() {
                return Duration.ofMinutes(5);
            }

            public Duration reconcileInterval() {
                return Duration.ofSeconds(5);
            }

            public Duration reconnectDelay() {
                return Duration.ofSeconds(1);
            }

            public Optional<List<String>> trustedProxies() {
                return Optional.of(cidrs);
            }
        };
        LatchkeyConfig config = (LatchkeyConfig) java.lang.reflect.Proxy.newProxyInstance(
                LatchkeyConfig.class.getClassLoader(), new Class<?>[] { LatchkeyConfig.class },
                (proxy, method, args) -> method.getName().equals("verify") ? verify : null);
        return new ClientIp(config);
    }

    /** The address as text, or null. */
    private static String ip(byte[] b) throws Exception {
        return b == null ? null : java.net.InetAddress.getByAddress(b).getHostAddress();
    }

    @Test
    void untrustedConnectionIgnoresForwardedFor() throws Exception {
        ClientIp none = withTrusted(List.of());
        assertEquals("203.0.113.9", ip(none.resolve("203.0.113.9", "10.0.0.1")));
    }

    @Test
    void trustedProxyIsSkippedFromTheRight() throws Exception {
        ClientIp c = withTrusted(List.of("127.0.0.1/32", "10.0.0.0/8"));
        assertEquals("198.51.100.7", ip(c.resolve("127.0.0.1", "198.51.100.7")));
        // client, then two trusted hops: the rightmost untrusted address is the client
        assertEquals("198.51.100.7", ip(c.resolve("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.1.1")));
        // a forged left entry does not win over what a trusted proxy appended
        assertEquals("198.51.100.7", ip(c.resolve("10.2.2.2", "1.1.1.1, 198.51.100.7")));
        // garbage stops the walk at the last address we can vouch for
        assertEquals("10.1.1.1", ip(c.resolve("127.0.0.1", "not-an-ip, 10.1.1.1")));
        // IPv6
        assertEquals("2001:db8:0:0:0:0:0:5", ip(c.resolve("127.0.0.1", "2001:db8::5")));
    }
}
