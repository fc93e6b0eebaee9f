package dev.latchkey.common.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.latchkey.error.ApiException;

/**
 * Enforces the body limit ({@code latchkey.http.max-body-size}, or a route's own: {@link BodySizeRoute#limitFor}) on
 * REST bodies sent chunked (without a Content-Length), by counting while they are read: 413 problem+json.
 */
public class BodyLimitFilter {

    private final BodySizeRoute limits;

    @Inject
    public BodyLimitFilter(BodySizeRoute limits) {
        this.limits = limits;
    }

    /** A declared length over the limit never gets here ({@link BodySizeRoute}); this counts chunked bodies. */
    @ServerRequestFilter(preMatching = true)
    public void limit(ContainerRequestContext request) {
        if (request.getHeaderString(HttpHeaders.CONTENT_LENGTH) == null && request.hasEntity()) {
            request.setEntityStream(
                    new Bounded(request.getEntityStream(), limits.limitFor(request.getUriInfo().getPath())));
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return ApiException.tooLarge("The request body is larger than " + maxBytes + " bytes");
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
