package dev.latchkey.apikey.leak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.config.LatchkeyConfig;

/**
 * GitHub's secret-scanning signing keys (README, "Leaked keys"): read at start-up from the file the operator configures
 * ({@code latchkey.leaks.github-keys-file}), in the format GitHub publishes them ({@code {"public_keys":
 * [{"key_identifier", "key", "is_current"}]}}, each key a PEM ECDSA P-256 public key), all of them accepted (GitHub
 * signs with the current one; listing the previous ones covers a key change). A report's signature is ECDSA with
 * SHA-256 over the raw body, base64-encoded DER.
 */
@Singleton
public class GitHubKeys {

    private final Map<String, PublicKey> keys;
    private final boolean configured;

    public GitHubKeys(LatchkeyConfig config, ObjectMapper json) throws IOException, GeneralSecurityException {
        this.configured = config.leaks().githubKeysFile().isPresent();
        this.keys = configured ? read(json.readTree(Files.readString(Path.of(config.leaks().githubKeysFile().get()))))
                : Map.of();
    }

    static Map<String, PublicKey> read(JsonNode list) throws GeneralSecurityException {
        Map<String, PublicKey> out = new HashMap<>();
        JsonNode entries = list.get("public_keys");
        if (entries == null || !entries.isArray()) {
            throw new IllegalStateException("the GitHub key file has no public_keys list");
        }
        KeyFactory ec = KeyFactory.getInstance("EC");
        for (JsonNode e : entries) {
            String pem = e.path("key").asText().replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s",
                    "");
            out.put(e.path("key_identifier").asText(),
                    ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem))));
        }
        return Map.copyOf(out);
    }

    /** Whether GitHub's keys are configured (reports are refused otherwise). */
    public boolean configured() {
        return configured;
    }

    /** Whether a key with this identifier is listed. */
    public boolean knows(String keyIdentifier) {
        return keys.containsKey(keyIdentifier);
    }

    /** Whether {@code signature} (base64 DER) is the listed key's ECDSA P-256 / SHA-256 signature of {@code body}. */
    public boolean verifies(String keyIdentifier, String signature, byte[] body) {
        PublicKey key = keys.get(keyIdentifier);
        if (key == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(body);
            return s.verify(Base64.getDecoder().decode(signature.trim()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // not base64, not DER, not a signature
        }
    }
}
