package dev.latchkey.verify;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpServerRequest;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.vocabulary.Cidr;

/**
 * Finds the caller's IP for allow-lists: the connection address, unless that is a configured trusted proxy, in which
 * case X-Forwarded-For is read from the right, skipping trusted proxies (the first address a trusted proxy did not add
 * is the client).
 */
@Singleton
public class ClientIp {

    private final List<Cidr> trusted = new ArrayList<>();

    public ClientIp(LatchkeyConfig config) {
        for (String cidr : config.verify().trustedProxies().orElse(List.of())) {
            if (!cidr.isBlank()) {
                trusted.add(Cidr.parse(cidr.trim()));
            }
        }
    }

    /** The caller of a request, resolved only if a key's allow-list asks for it. */
    public VerifyRequest.Address of(HttpServerRequest req) {
        return () -> resolve(req.remoteAddress().hostAddress(), req.getHeader("X-Forwarded-For"));
    }

    /** The client address as bytes, or null when it cannot be told. */
    public byte[] resolve(String connectionAddress, String forwardedFor) {
        byte[] remote = Cidr.literal(connectionAddress);
        if (remote == null || forwardedFor == null || !isTrusted(remote)) {
            return remote;
        }
        String[] hops = forwardedFor.split(",");
        byte[] client = remote;
        for (int i = hops.length - 1; i >= 0; i--) {
            byte[] hop = Cidr.literal(hops[i].trim());
            if (hop == null) {
                return client; // garbage in the header: stop at the last address we can vouch for
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
