package dev.latchkey.apikey.transfer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.latchkey.apikey.ApiKey;
import dev.latchkey.apikey.KeyDtos.CreateKey;
import dev.latchkey.apikey.KeyService;
import dev.latchkey.apikey.KeysImported;
import dev.latchkey.apikey.format.ImportedValue;
import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyHasher;
import dev.latchkey.apikey.format.KeyPrefix;
import dev.latchkey.apikey.transfer.ImportDtos.Created;
import dev.latchkey.apikey.transfer.ImportDtos.ImportResult;
import dev.latchkey.apikey.transfer.ImportDtos.Refused;
import dev.latchkey.common.db.Db;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.ApiException.FieldError;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;

/**
 * Imports keys that exist elsewhere with their values (README, "Importing keys"). Each key is validated like a created
 * key, stored only as the hash of its value (see {@link ImportedValue}) and audited as {@code key.imported}.
 * <p>
 * <b>Why a value is never imported twice.</b> Every import takes one PostgreSQL advisory lock for its transaction, so
 * imports — on any replica — run one at a time; each checks its values against the rows of earlier imports (committed,
 * since the lock is released at commit) and against the batch itself. The same lock keeps the number of imported keys
 * within {@code latchkey.imports.max-keys}, the bound of the hot path's in-memory index. A refusal says "already
 * imported" whichever organization holds the value, so it reveals nothing about other organizations.
 */
@ApplicationScoped
@Transactional
public class KeyImporter {

    public static final int MAX_BATCH = 1000;
    /** Distinct import prefixes allowed: each is tried on every foreign key presented. */
    public static final int MAX_PREFIXES = 16;
    /** The advisory lock every import holds ("LKIMPORT"). */
    private static final long LOCK = 0x4c4b494d504f5254L;
    private static final Pattern SYSTEM = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");
    private static final Set<String> OWN_FIELDS = Set.of("value", "sha256", "prefix");
    private static final Set<String> REQUEST_FIELDS = Set.of("keys", "origin", "partial");

    private final OrgAccess access;
    private final KeyService keys;
    private final KeyHasher hasher;
    private final Bodies bodies;
    private final Db db;
    private final Clock clock;
    private final Event<KeysImported> imported;
    private final long maxKeys;

    KeyImporter(OrgAccess access, KeyService keys, KeyHasher hasher, Bodies bodies, Db db, Clock clock,
            Event<KeysImported> imported, LatchkeyConfig config) {
        this.access = access;
        this.keys = keys;
        this.hasher = hasher;
        this.bodies = bodies;
        this.db = db;
        this.clock = clock;
        this.imported = imported;
        this.maxKeys = config.imports().maxKeys();
    }

    /** A value's stored form: what the hash leaves out, and the hash. */
    private record Stored(String prefix, byte[] hash, String suffix, KeyPrefix elastic) {
    }

    /**
     * Imports a batch. Without {@code partial}, one refused key refuses the batch (400 naming each refused key's
     * fields) and nothing is imported; with it, the valid keys are imported and the refused ones listed.
     */
    public ImportResult importKeys(String orgSlug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        if (!ctx.managesAllKeys()) { // decided before the body's details (README, "Errors")
            throw ApiException.forbidden("Only owners, admins and admin keys of the organization may import keys");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "must be a JSON object");
        }
        JsonNode items = body.get("keys");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > MAX_BATCH) {
            throw ApiException.invalid("keys", "must be a list of 1 to " + MAX_BATCH + " keys");
        }
        String system = system(body.get("origin"));
        JsonNode partialNode = body.get("partial");
        if (partialNode != null && !partialNode.isBoolean() && !partialNode.isNull()) {
            throw ApiException.invalid("partial", "must be true or false");
        }
        boolean partial = partialNode != null && partialNode.booleanValue();
        for (var it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!REQUEST_FIELDS.contains(f)) {
                throw ApiException.invalid(f, "is not a field of an import");
            }
        }

        db.list("select 1 from pg_advisory_xact_lock(?)", rs -> 1, LOCK);
        long already = db.count("select count(*) from api_keys where import_system is not null");
        if (already + items.size() > maxKeys) {
            throw ApiException.conflict("Importing " + items.size() + " keys would exceed the " + maxKeys
                    + " imported keys this installation holds (latchkey.imports.max-keys)");
        }
        Set<String> prefixes = new HashSet<>(
                db.list("select distinct import_prefix from api_keys" + " where import_system is not null",
                        rs -> rs.getString(1)));

        Instant now = clock.instant();
        List<Created> created = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        List<KeysImported.Entry> entries = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            List<FieldError> errors = new ArrayList<>();
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                refused.add(new Refused(i, List.of(new FieldError(null, "must be a JSON object"))));
                continue;
            }
            Stored stored = stored((ObjectNode) item, prefixes, inBatch, errors);
            ObjectNode fields = ((ObjectNode) item).deepCopy();
            fields.remove(OWN_FIELDS);
            try {
                CreateKey request = bodies.read(fields, CreateKey.class);
                KeyService.KeySpec spec = keys.validate(ctx, request, errors);
                if (stored != null && stored.elastic() != null && spec.kind() != null
                        && spec.kind() != stored.elastic().kind()) {
                    errors.add(new FieldError("kind", "an App Search " + stored.elastic().stored() + " key is a "
                            + stored.elastic().kind().wire() + " key"));
                }
                if (!errors.isEmpty()) {
                    refused.add(new Refused(i, errors));
                    continue;
                }
                KeyPrefix prefix = stored.elastic() != null ? stored.elastic() : KeyPrefix.nativeFor(spec.kind());
                ApiKey k = keys.prepare(ctx, spec, prefix,
                        stored.elastic() != null ? KeyService.ORIGIN_ELASTIC : KeyService.ORIGIN_NATIVE);
                k.secretHash = stored.hash();
                k.keySuffix = stored.suffix();
                k.importSystem = system;
                k.importedAt = now;
                k.importPrefix = stored.prefix();
                k.importedSecret = "current";
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("origin", Map.of("system", system, "importedAt", now.toString()));
                created.add(new Created(i, keys.store(ctx, k, spec, "key.imported", details)));
                entries.add(new KeysImported.Entry(k.keyId, k.importPrefix, k.secretHash));
                prefixes.add(k.importPrefix);
            } catch (ApiException e) {
                List<FieldError> all = new ArrayList<>(errors);
                all.addAll(e.errors().isEmpty() ? List.of(new FieldError(null, e.getMessage())) : e.errors());
                refused.add(new Refused(i, all));
            }
        }
        if (!refused.isEmpty() && !partial) {
            List<FieldError> all = new ArrayList<>();
            for (Refused r : refused) {
                for (FieldError f : r.errors()) {
                    all.add(new FieldError("keys[" + r.index() + "]" + (f.field() == null ? "" : "." + f.field()),
                            f.message()));
                }
            }
            throw ApiException.invalid(all); // rolls the whole batch back
        }
        if (!entries.isEmpty()) {
            imported.fire(new KeysImported(List.copyOf(entries)));
        }
        return new ImportResult(created.size(), created, refused);
    }

    /** {@code origin.system}: who the keys come from. */
    private static String system(JsonNode origin) {
        JsonNode system = origin == null || !origin.isObject() ? null : origin.get("system");
        if (system == null || !system.isTextual() || !SYSTEM.matcher(system.textValue()).matches()) {
            throw ApiException.invalid("origin.system",
                    "is required: 1 to 64 letters, digits, spaces, dots, dashes or underscores");
        }
        return system.textValue();
    }

    /**
     * The stored form of an item's {@code value} or {@code sha256} (with its {@code prefix}), or null with the reasons
     * in {@code errors}: malformed, in Latchkey's own format, too many prefixes, or already imported.
     */
    private Stored stored(ObjectNode item, Set<String> prefixes, Set<String> inBatch, List<FieldError> errors) {
        JsonNode valueNode = item.get("value");
        JsonNode shaNode = item.get("sha256");
        JsonNode prefixNode = item.get("prefix");
        if ((valueNode == null) == (shaNode == null)) {
            errors.add(new FieldError(null, "exactly one of value and sha256 is required"));
            return null;
        }
        String prefix = "";
        if (prefixNode != null) {
            if (!prefixNode.isTextual() || !ImportedValue.validPrefix(prefixNode.textValue())) {
                errors.add(new FieldError("prefix",
                        "must be up to " + ImportedValue.MAX_PREFIX_LENGTH + " printable characters without spaces"));
                return null;
            }
            prefix = prefixNode.textValue();
        }
        if (ImportedValue.latchkeyPrefixed(prefix)) {
            errors.add(new FieldError("prefix", "starts with a Latchkey prefix; such keys cannot be imported"));
            return null;
        }
        byte[] digest;
        String suffix = "";
        KeyPrefix elastic;
        if (valueNode != null) {
            String value = valueNode.isTextual() ? valueNode.textValue() : null;
            if (!ImportedValue.plausible(value)) {
                errors.add(new FieldError("value", "must be " + ImportedValue.MIN_LENGTH + " to "
                        + ImportedValue.MAX_LENGTH + " printable ASCII characters without spaces"));
                return null;
            }
            if (KeyFormat.parse(value) != null || ImportedValue.latchkeyPrefixed(value)) {
                errors.add(new FieldError("value", "is in Latchkey's own format; such keys cannot be imported"));
                return null;
            }
            if (!value.startsWith(prefix)) {
                errors.add(new FieldError("prefix", "is not how the value starts"));
                return null;
            }
            digest = ImportedValue.sha256(value, prefix.length());
            suffix = value.length() >= 24 ? value.substring(value.length() - 4) : ""; // 20 or more stay hidden
            elastic = KeyPrefix.elasticOf(value);
        } else {
            digest = shaNode.isTextual() ? ImportedValue.parseSha256(shaNode.textValue()) : null;
            if (digest == null) {
                errors.add(new FieldError("sha256", "must be a SHA-256 digest (64 hexadecimal digits or base64);"
                        + " salted or slow hashes (bcrypt, scrypt, Argon2, PBKDF2) and shorter digests cannot be"
                        + " verified from a presented key"));
                return null;
            }
            elastic = KeyPrefix.elasticOf(prefix);
        }
        if (!prefixes.contains(prefix) && prefixes.size() >= MAX_PREFIXES) {
            errors.add(new FieldError("prefix", "at most " + MAX_PREFIXES + " different import prefixes are kept"));
            return null;
        }
        List<byte[]> hashes = hasher.hashesUnderEveryPepper(digest, 0, digest.length);
        byte[] hash = hashes.get(0); // the current pepper's: what is stored
        if (!inBatch.add(prefix + "/" + HexFormat.of().formatHex(hash)) || alreadyImported(prefix, hashes)) {
            errors.add(new FieldError(valueNode != null ? "value" : "sha256", "is already imported"));
            return null;
        }
        return new Stored(prefix, hash, suffix, elastic);
    }

    /** Whether a value with this prefix is held by a key, under any accepted pepper (its {@code hashes}). */
    private boolean alreadyImported(String prefix, List<byte[]> hashes) {
        for (byte[] h : hashes) {
            if (db.count("select count(*) from api_keys where import_prefix = ? and ((secret_hash = ?"
                    + " and import_system is not null) or (previous_secret_hash = ? and imported_secret = 'previous'))",
                    prefix, h, h) > 0) {
                return true;
            }
        }
        return false;
    }
}
