package dev.latchkey.security;

import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

import dev.latchkey.common.http.RequestInfo;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ApiException;

/**
 * Resolves the caller of the current request from {@code Authorization: Bearer ...}: a well-formed Latchkey key is
 * checked against storage; anything else must be a JWT that passes the {@code mp.jwt.verify.*} checks (signature,
 * issuer, expiry). Failures are 401 without detail on why, so that a probe learns nothing.
 */
@RequestScoped
public class CallerResolver {

    private static final String BEARER = "bearer ";

    private final RequestInfo request;
    private final JWTParser jwtParser;
    private final KeyAuthenticator keys;
    private final String platformAdminGroup;
    private Caller caller;

    @Inject
    public CallerResolver(RequestInfo request, JWTParser jwtParser, KeyAuthenticator keys, LatchkeyConfig config) {
        this.request = request;
        this.jwtParser = jwtParser;
        this.keys = keys;
        this.platformAdminGroup = config.security().platformAdminGroup();
    }

    /** The authenticated caller; 401 when there is none or it is not valid. */
    public Caller current() {
        if (caller == null) {
            caller = resolve();
        }
        return caller;
    }

    private Caller resolve() {
        String header = request.header(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiException.unauthorized("Send Authorization: Bearer <JWT or admin key>");
        }
        String token = header.substring(BEARER.length()).trim();
        if (keys.hasKeyFormat(token)) {
            return keys.authenticate(token).orElseThrow(() -> ApiException.unauthorized("The credential is not valid"));
        }
        try {
            JsonWebToken jwt = jwtParser.parse(token);
            String subject = jwt.getSubject();
            if (subject == null || subject.isBlank()) {
                throw ApiException.unauthorized("The credential is not valid");
            }
            Set<String> groups = jwt.getGroups();
            return new Caller.User(subject, groups != null && groups.contains(platformAdminGroup));
        } catch (ParseException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.unauthorized("The credential is not valid");
        }
    }
}
