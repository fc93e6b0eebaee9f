package dev.latchkey.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.latchkey.webhook.HostResolver;

/**
 * Name resolution in {@code @QuarkusTest}s: names a test sets resolve as it says (DNS is outside our control, and
 * rebinding is what a hostile DNS server does); every other name goes to the system resolver.
 */
@Alternative
@Priority(1)
@Singleton
public class TestDns extends HostResolver {

    private final Map<String, String> names = new ConcurrentHashMap<>();

    /** From now on {@code name} resolves to {@code address} (an IP literal). */
    public void set(String name, String address) {
        names.put(name, address);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String a = names.get(host);
        return a == null ? super.resolve(host) : new InetAddress[] { InetAddress.getByName(a) };
    }
}
