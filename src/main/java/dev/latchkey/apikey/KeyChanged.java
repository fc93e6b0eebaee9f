package dev.latchkey.apikey;

/** Fired inside the transaction whenever a key changes in a way a verify answer could see. */
public record KeyChanged(long organizationId, String keyId) {
}
