package dev.latchkey.apikey.transfer;

import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import dev.latchkey.common.http.RouteBodyLimit;

/** An import batch (up to 1,000 keys) may be larger than other bodies: up to 1 MiB, the HTTP layer's ceiling. */
@Singleton
public class ImportBodyLimit implements RouteBodyLimit {

    private static final Pattern IMPORT = Pattern.compile("/api/v1/orgs/[^/]+/keys/import");

    @Override
    public String path() {
        return null;
    }

    @Override
    public Pattern pathPattern() {
        return IMPORT;
    }

    @Override
    public long maxBytes() {
        return 1024 * 1024;
    }
}
