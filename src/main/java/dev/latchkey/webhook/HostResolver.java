package dev.latchkey.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.inject.Singleton;

/**
 * Name resolution for webhook URLs: the system resolver. One place, so that the address checked is the address
 * connected to (README, "Webhooks": the DNS-rebinding rule), and so that tests can stand in for DNS.
 */
@Singleton
public class HostResolver {

    /** Every address of {@code host} (an IP literal resolves to itself without DNS). */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}
