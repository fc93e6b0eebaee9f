package dev.latchkey.common;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ApiException;

/**
 * Enforces {@code latchkey.http.max-body-size} with a 413 problem+json: by Content-Length up front, and by counting for
 * chunked bodies that do not declare their length.
 */
public class BodyLimitFilter {

    private final long maxBytes;

    @Inject
    public BodyLimitFilter(LatchkeyConfig config) {
        this.maxBytes = parseSize(config.http().maxBodySize());
    }

    @ServerRequestFilter(preMatching = true)
    public void limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad_request", "Content-Length is not a number");
            }
        } else if (request.hasEntity()) {
            request.setEntityStream(new Bounded(request.getEntityStream(), maxBytes));
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "Content Too Large",
                "The request body is larger than " + maxBytes + " bytes");
    }

    static long parseSize(String size) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        long factor = 1;
        if (s.endsWith("K")) {
            factor = 1024;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("M")) {
            factor = 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s.trim()) * factor;
    }

    /** Counts bytes read and fails past the limit. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private long count;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > max) {
                throw tooLarge(max);
            }
        }
    }
}
