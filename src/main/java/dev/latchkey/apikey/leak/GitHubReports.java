package dev.latchkey.apikey.leak;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.latchkey.apikey.ApiKey;
import dev.latchkey.apikey.ApiKeys;
import dev.latchkey.apikey.KeyLifecycle;
import dev.latchkey.apikey.format.ImportedValue;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.common.db.Db;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.StatusMap;
import dev.latchkey.security.Caller;

/**
 * GitHub's secret-scanning partner reports (README, "Leaked keys"): a signed list of tokens GitHub found in public
 * places. Each is labelled {@code true_positive} when it is a live Latchkey key — its format, checksum and hash all
 * hold — and the owning organization's leak policy is applied to it; {@code false_positive} otherwise. The answer says
 * nothing else: not which organization owns a key, nor why a token is not one.
 * <p>
 * A report changes something only when its signature verifies under a listed GitHub key. A report seen before (the same
 * signature: GitHub's ECDSA signatures differ every time) is refused and changes nothing; the signatures of the last 30
 * days are kept for that, and the insert of one is the report's first write, so two copies of a report sent at once
 * apply once (the second waits on the first's row, then finds it).
 */
@ApplicationScoped
@Transactional
public class GitHubReports {

    public static final int MAX_TOKENS = 1000;
    static final Duration KEEP_SIGNATURES = Duration.ofDays(30);
    static final Caller GITHUB = new Caller.External("github-secret-scanning", "GitHub secret scanning");

    /** One token's answer, in GitHub's words. */
    @RegisterForReflection
    public record Label(@JsonProperty("token_raw") String tokenRaw, @JsonProperty("token_type") String tokenType,
            String label) {
    }

    private final GitHubKeys keys;
    private final ApiKeys apiKeys;
    private final KeyHasher hasher;
    private final KeyLifecycle lifecycle;
    private final Db db;
    private final Clock clock;
    private final ObjectMapper json;

    GitHubReports(GitHubKeys keys, ApiKeys apiKeys, KeyHasher hasher, KeyLifecycle lifecycle, Db db, Clock clock,
            ObjectMapper json) {
        this.keys = keys;
        this.apiKeys = apiKeys;
        this.hasher = hasher;
        this.lifecycle = lifecycle;
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    /** Checks a report's signature, refuses a replay, labels each token and applies the policies. */
    public List<Label> handle(byte[] body, String keyIdentifier, String signature) {
        if (!keys.configured()) {
            throw ApiException
                    .notFoundDetail("GitHub leak reports are not configured here (latchkey.leaks.github-keys-file)");
        }
        if (keyIdentifier == null || keyIdentifier.isBlank() || signature == null || signature.isBlank()) {
            throw ApiException.badRequest("signature_missing",
                    "Github-Public-Key-Identifier and Github-Public-Key-Signature are required");
        }
        if (!keys.knows(keyIdentifier)) {
            throw ApiException.unauthorized("Unknown Github-Public-Key-Identifier");
        }
        if (!keys.verifies(keyIdentifier, signature, body)) {
            throw ApiException.unauthorized("The signature does not match the body");
        }
        JsonNode reports;
        try {
            reports = json.readTree(body);
        } catch (IOException e) {
            throw StatusMap.classify(e);
        }
        if (reports == null || !reports.isArray()) {
            throw ApiException.invalid("body", "must be a list of {token, type, url, source}");
        }
        if (reports.size() > MAX_TOKENS) {
            throw ApiException.tooLarge("At most " + MAX_TOKENS + " tokens per report");
        }
        for (int i = 0; i < reports.size(); i++) {
            JsonNode t = reports.get(i).get("token");
            if (t == null || !t.isTextual() || t.textValue().length() > 1024) {
                throw ApiException.invalid("[" + i + "].token", "must be a string of at most 1024 characters");
            }
        }
        Instant now = clock.instant();
        db.update("delete from leak_reports_seen where received_at < ?", now.minus(KEEP_SIGNATURES));
        if (db.update(
                "insert into leak_reports_seen (signature_hash, received_at) values (?, ?) on conflict do nothing",
                ImportedValue.sha256(signature.trim(), 0), now) == 0) {
            throw ApiException.conflict("This report was received before; nothing was changed");
        }
        List<Label> out = new ArrayList<>(reports.size());
        for (JsonNode r : reports) {
            String token = r.get("token").textValue();
            String type = r.path("type").asText(null);
            out.add(new Label(token, type, live(token, r, now) ? "true_positive" : "false_positive"));
        }
        return out;
    }

    /** Whether the token is a live key of this service; if so, its organization's policy is applied. */
    private boolean live(String token, JsonNode report, Instant now) {
        KeyFormat.ParsedKey presented = KeyFormat.parse(token);
        if (presented == null) {
            return false;
        }
        ApiKey k = apiKeys.findByKeyId(presented.keyId()).orElse(null);
        if (k == null || !k.prefix.equals(presented.prefix().stored())
                || !hasher.matchesCurrentOrPrevious(presented.secret(), k.secretHash, k.previousSecretHash,
                        k.previousSecretExpiresAt, now.toEpochMilli())
                || k.revokedAt != null || k.deletedAt != null || k.expiresAt != null && !k.expiresAt.isAfter(now)) {
            return false;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reporter", "github");
        for (String f : List.of("url", "source", "type")) {
            if (report.path(f).isTextual()) {
                String v = report.get(f).textValue();
                details.put(f, v.length() > 2048 ? v.substring(0, 2048) : v);
            }
        }
        lifecycle.leaked(k, GITHUB, details);
        return true;
    }
}
