package dev.latchkey.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.support.TestConfig;

/** X-Forwarded-For is believed only from trusted proxies, read from the right. */
class ClientIpTest {

    private static ClientIp withTrusted(List<String> cidrs) {
        LatchkeyConfig config = TestConfig.withVerify(Map.of("trustedProxies", Optional.of(cidrs)));
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
