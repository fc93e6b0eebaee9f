package dev.latchkey.security;

import java.util.Optional;

/**
 * How the management plane checks a credential that has the form of a Latchkey key (apikey/ApiKeyAuthenticator
 * implements it; security defines it so that it depends on no feature).
 */
public interface KeyAuthenticator {

    /** Whether the credential has the key format: it is then a key or nothing, never tried as a JWT. */
    boolean hasKeyFormat(String credential);

    /** The key caller, or empty when the credential is not a key, or the key is unknown, wrong or not active. */
    Optional<Caller.Key> authenticate(String credential);
}
