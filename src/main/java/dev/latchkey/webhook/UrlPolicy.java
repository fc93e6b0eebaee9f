package dev.latchkey.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.vocabulary.Cidr;

/**
 * Which URLs a webhook may call (README, "Webhooks", "Safe URLs"): {@code https} only unless
 * {@code latchkey.webhooks.allow-http}; no credentials in the URL; and only public addresses unless the operator allows
 * a network ({@code latchkey.webhooks.allowed-networks}). Checked when an endpoint is saved (literal addresses, and
 * names that resolve then) and again for every delivery against the address the delivery then connects to, so a name
 * that later resolves to a private address (DNS rebinding) is refused at delivery time.
 */
@Singleton
public class UrlPolicy {

    /** A URL refused, with the reason a client is told. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A URL that passed the form checks: where to connect and what to ask for. */
    public record Target(URI uri, String host, int port, boolean tls, String pathAndQuery) {
    }

    /** Ranges no endpoint reaches unless allowed, besides what {@link InetAddress} classifies itself. */
    private static final List<Cidr> NOT_PUBLIC = List
            .of("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
                    "203.0.113.0/24", "240.0.0.0/4", "fc00::/7", "64:ff9b::/96", "2001:db8::/32", "::/128", "100::/64")
            .stream().map(Cidr::parse).toList();

    private final boolean allowHttp;
    private final List<Cidr> allowed;
    private final HostResolver resolver;

    @jakarta.inject.Inject
    public UrlPolicy(LatchkeyConfig config, HostResolver resolver) {
        this(config.webhooks().allowHttp(), config.webhooks().allowedNetworks().orElse(List.of()), resolver);
    }

    UrlPolicy(boolean allowHttp, List<String> allowedNetworks, HostResolver resolver) {
        this.allowHttp = allowHttp;
        this.allowed = allowedNetworks.stream().filter(s -> !s.isBlank()).map(String::strip).map(Cidr::parse).toList();
        this.resolver = resolver;
    }

    /** The form checks: scheme, host, no credentials or fragment. */
    public Target parse(String url) throws Refused {
        if (url == null || url.isBlank() || url.length() > 2048) {
            throw new Refused("url must be an absolute https URL of at most 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new Refused(allowHttp ? "url must use https or http" : "url must use https");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("url must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("url must not have a fragment");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("url must name a host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.indexOf(':') >= 0 && Cidr.literal(host) == null) {
            throw new Refused("url host is not an IPv6 address accepted here (IPv4-mapped addresses and zone ids are"
                    + " refused)");
        }
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (host.indexOf(':') < 0 && last.matches("(?i)0x[0-9a-f]*|[0-9]+") && Cidr.literal(host) == null) {
            // 2130706433, 0x7f000001, 0177.0.0.1: IPv4 addresses to other parsers, and no DNS name ends in a number
            throw new Refused("url host is an IPv4 address not written as a.b.c.d");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new Target(uri, host, port, tls, uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    /**
     * The checks when an endpoint is saved: the form, and every address its host resolves to now must be allowed. A
     * name that does not resolve now is accepted (the delivery checks again).
     */
    public Target checkOnSave(String url) throws Refused {
        Target t = parse(url);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(t.host());
        } catch (UnknownHostException e) {
            return t;
        }
        for (InetAddress a : addresses) {
            requireAllowed(a);
        }
        return t;
    }

    /**
     * The address a delivery connects to: the host resolved now, every address of it allowed (so no answer of a
     * rebinding name can slip through), the first one.
     */
    public InetAddress addressForDelivery(Target t) throws Refused {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(t.host());
        } catch (UnknownHostException e) {
            throw new Refused("host does not resolve");
        }
        if (addresses.length == 0) {
            throw new Refused("host does not resolve");
        }
        for (InetAddress a : addresses) {
            requireAllowed(a);
        }
        return addresses[0];
    }

    void requireAllowed(InetAddress a) throws Refused {
        if (isPublic(a)) {
            return;
        }
        byte[] raw = a.getAddress();
        for (Cidr c : allowed) {
            if (c.contains(raw)) {
                return;
            }
        }
        throw new Refused("url resolves to an address that is not public (" + a.getHostAddress()
                + "); an operator may allow its network with latchkey.webhooks.allowed-networks");
    }

    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] raw = a.getAddress();
        if (a instanceof Inet6Address && isMappedOrCompatibleV4(raw)) {
            return false; // an IPv4 address in IPv6 clothing: refused outright rather than unwrapped
        }
        if (raw.length == 4 && (raw[0] & 0xFF) == 255) {
            return false;
        }
        for (Cidr c : NOT_PUBLIC) {
            if (c.contains(raw)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMappedOrCompatibleV4(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return (raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF) || (raw[10] == 0 && raw[11] == 0);
    }
}
