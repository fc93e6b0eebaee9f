package dev.latchkey.webhook;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Safe webhook URLs (README, "Webhooks"): the defaults (https, public addresses only) refuse every form of a non-public
 * address and every URL that is not plainly https; an operator's allowed network admits exactly itself; and a name is
 * judged by what it resolves to, when saved and again at delivery time.
 */
class UrlPolicyTest {

    /** DNS for the test: these names resolve as the map says; others do not resolve. */
    static final class Dns extends HostResolver {
        final Map<String, String[]> names = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            String[] a = names.get(host);
            if (a == null) {
                // IP literals (all the forms Java reads, as a connection would) resolve without DNS
                if (host.matches("[0-9a-fA-FxX.:]+")) {
                    return InetAddress.getAllByName(host);
                }
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = InetAddress.getByName(a[i]);
            }
            return out;
        }
    }

    private final Dns dns = new Dns();
    private final UrlPolicy defaults = new UrlPolicy(false, List.of(), dns);

    @ParameterizedTest
    @ValueSource(strings = { "http://hooks.example.com/x", "ftp://hooks.example.com/x", "hooks.example.com/x",
            "//hooks.example.com/x", "https:///x", "https://user:pw@hooks.example.com/x",
            "https://hooks.example.com/x#frag", "https://hooks example.com/", "", "javascript:alert(1)" })
    void refusesWhatIsNotAPlainHttpsUrl(String url) {
        assertThrows(UrlPolicy.Refused.class, () -> defaults.checkOnSave(url), url);
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://127.0.0.1/", "https://127.1.2.3:8443/x", "https://2130706433/",
            "https://0x7f000001/", "https://0177.0.0.1/", "https://localhost.localdomain.test/", "https://[::1]/",
            "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://0.0.0.0/", "https://[::]/",
            "https://10.1.2.3/", "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/", "https://[fd00::1]/",
            "https://100.64.0.1/", "https://224.0.0.1/", "https://255.255.255.255/", "https://[64:ff9b::a00:1]/",
            "https://metadata.internal.test/" })
    void refusesEveryFormOfANonPublicAddress(String url) {
        dns.names.put("localhost.localdomain.test", new String[] { "127.0.0.1" });
        dns.names.put("metadata.internal.test", new String[] { "93.184.216.34", "169.254.169.254" });
        UrlPolicy.Refused r = assertThrows(UrlPolicy.Refused.class, () -> defaults.checkOnSave(url), url);
        assertTrue(r.getMessage().matches(".*(not public|IPv4 address not written|not an IPv6 address).*"),
                r.getMessage());
    }

    @Test
    void acceptsPublicAddressesAndNamesThatDoNotResolveYet() throws Exception {
        dns.names.put("hooks.example.com", new String[] { "93.184.216.34", "2606:2800:220:1::1" });
        assertEquals(443, defaults.checkOnSave("https://hooks.example.com/in?x=1").port());
        assertEquals("/in?x=1", defaults.checkOnSave("https://hooks.example.com/in?x=1").pathAndQuery());
        assertEquals(8443, defaults.checkOnSave("https://93.184.216.34:8443/").port());
        assertEquals("/", defaults.checkOnSave("https://unresolved.example.net").pathAndQuery());
        // but the delivery needs an answer, and an allowed one
        assertThrows(UrlPolicy.Refused.class,
                () -> defaults.addressForDelivery(defaults.parse("https://unresolved.example.net/")));
    }

    @Test
    void anAllowedNetworkAdmitsItselfOnlyAndHttpOnlyWhenAllowed() throws Exception {
        UrlPolicy lab = new UrlPolicy(true, List.of("127.0.0.1/32", "10.20.0.0/16"), dns);
        assertEquals("127.0.0.1", lab.addressForDelivery(lab.checkOnSave("http://127.0.0.1:9000/")).getHostAddress());
        lab.checkOnSave("https://10.20.30.40/");
        assertThrows(UrlPolicy.Refused.class, () -> lab.checkOnSave("http://127.0.0.2/"));
        assertThrows(UrlPolicy.Refused.class, () -> lab.checkOnSave("http://10.21.0.1/"));
        assertThrows(UrlPolicy.Refused.class, () -> lab.checkOnSave("http://[::ffff:127.0.0.1]/"),
                "IPv4-mapped IPv6 is refused even when the IPv4 network is allowed");
        assertThrows(UrlPolicy.Refused.class, () -> lab.checkOnSave("http://2130706433:9000/"),
                "127.0.0.1 in another form is refused although 127.0.0.1 is allowed");
        assertThrows(UrlPolicy.Refused.class, () -> defaults.checkOnSave("http://93.184.216.34/"),
                "no http by default");
    }

    @Test
    void aNameIsJudgedAgainAtDeliveryTime() throws Exception {
        dns.names.put("rebind.example.com", new String[] { "93.184.216.34" });
        UrlPolicy.Target t = defaults.checkOnSave("https://rebind.example.com/hook");
        assertEquals("93.184.216.34", defaults.addressForDelivery(t).getHostAddress());
        dns.names.put("rebind.example.com", new String[] { "127.0.0.1" });
        UrlPolicy.Refused r = assertThrows(UrlPolicy.Refused.class, () -> defaults.addressForDelivery(t));
        assertTrue(r.getMessage().contains("127.0.0.1"), r.getMessage());
        dns.names.put("rebind.example.com", new String[] { "93.184.216.34", "10.0.0.1" });
        assertThrows(UrlPolicy.Refused.class, () -> defaults.addressForDelivery(t), "any private answer refuses");
    }
}
