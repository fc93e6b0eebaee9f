package dev.latchkey.keycache;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.latchkey.limit.LimitState;
import dev.latchkey.limit.QuotaSpec;
import dev.latchkey.usage.UsageCounters;
import dev.latchkey.vocabulary.Cidr;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.route.RouteRules;

/**
 * One key as the hot path needs it: only the key's own row (and its workspace ids). What it shares with the rest of its
 * organization — role permissions, workspace slugs, its owner's rights — is read through {@link #org()} at verify time,
 * so an organization-wide change never rewrites keys. Immutable apart from its usage counters: a change to the key
 * replaces the entry.
 * <p>
 * Laid out for a million entries (README "Benchmark": heap per cached key): the secret's hash as four longs instead of
 * an array, the name shared with the keyId when it is the default, workspace sets shared through the {@link OrgHandle},
 * and what most keys lack (rotation grace, explicit permissions, owner, meta, limits, allow-list) in one optional
 * {@link Extras}.
 */
public final class CachedKey extends UsageCounters {

    /** The fields most keys do not have. */
    public record Extras(byte[] previousSecretHash, Instant previousSecretExpiresAt, Grant permissions,
            String ownerSubject, String metaJson, Integer rateLimit, Integer rateLimitWindowSeconds,
            List<Cidr> ipAllowlist, RouteRules routes, QuotaSpec quota, LimitState rateState, Imported imported) {

        public Extras {
            if (rateLimit != null && rateState == null) {
                rateState = new LimitState();
            }
        }

        boolean empty() {
            return previousSecretHash == null && permissions == null && ownerSubject == null && metaJson == null
                    && rateLimit == null && ipAllowlist == null && routes == null && quota == null && imported == null;
        }
    }

    /**
     * An imported key's value (README, "Importing keys"): the prefix its hash leaves out, and whether the key's current
     * hash or (during a rotation's grace period) its previous one is the value's.
     */
    public record Imported(String prefix, boolean current) {
    }

    private final String keyId;
    private final OrgHandle org;
    private final KeyKind kind;
    private final String prefix;
    private final String name;
    private final long hash0;
    private final long hash1;
    private final long hash2;
    private final long hash3;
    private final Instant expiresAt;
    private final boolean revoked;
    private final boolean enabled;
    private final boolean allWorkspaces;
    private final String role;
    private final long[] workspaceIds;
    private final long fingerprint;
    private final Extras extras;
    /** The last resync cycle that found this entry's row (or the cycle it was made in); fits the object's padding. */
    private volatile int seenInCycle;

    /**
     * @param role
     *            the key's role name, or null when it carries explicit permissions ({@link Extras#permissions})
     * @param workspaceIds
     *            the workspaces of a workspace-scoped or listed key (sorted); empty for all-workspaces keys
     * @param fingerprint
     *            the database's hash of the row this was built from (the resync compares it)
     */
    public CachedKey(long id, String keyId, OrgHandle org, KeyKind kind, String prefix, String name, byte[] secretHash,
            Instant expiresAt, boolean revoked, boolean enabled, String role, boolean allWorkspaces,
            long[] workspaceIds, long fingerprint, Extras extras) {
        super(id);
        if (secretHash.length != 32) {
            throw new IllegalArgumentException("a secret hash is 32 bytes");
        }
        this.keyId = keyId;
        this.org = org;
        this.kind = kind;
        this.prefix = prefix;
        this.name = name;
        this.hash0 = word(secretHash, 0);
        this.hash1 = word(secretHash, 8);
        this.hash2 = word(secretHash, 16);
        this.hash3 = word(secretHash, 24);
        this.expiresAt = expiresAt;
        this.revoked = revoked;
        this.enabled = enabled;
        this.role = role;
        this.allWorkspaces = allWorkspaces;
        this.workspaceIds = workspaceIds;
        this.fingerprint = fingerprint;
        this.extras = extras == null || extras.empty() ? null : extras;
        this.seenInCycle = org.resyncCycle(); // the cycle under way when the row was read
    }

    /** The resync found this entry's row in the given cycle. */
    public void seenIn(int resyncCycle) {
        seenInCycle = resyncCycle;
    }

    /** The last cycle this entry's row was found in (or the cycle it was made in). */
    public int seenInCycle() {
        return seenInCycle;
    }

    /** Whether a presented secret's hash is this key's current one, in time independent of where they differ. */
    public boolean currentSecretIs(byte[] hash) {
        if (hash.length != 32) {
            return false;
        }
        long diff = (word(hash, 0) ^ hash0) | (word(hash, 8) ^ hash1) | (word(hash, 16) ^ hash2)
                | (word(hash, 24) ^ hash3);
        return diff == 0;
    }

    /** The current secret's stored hash, as bytes (a pepper rotation's slow path only). */
    public byte[] secretHash() {
        byte[] out = new byte[32];
        long[] words = { hash0, hash1, hash2, hash3 };
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 8; i++) {
                out[w * 8 + i] = (byte) (words[w] >>> (56 - 8 * i));
            }
        }
        return out;
    }

    private static long word(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** The key's own permissions under the organization's current roles. */
    public Grant grant(OrgState state) {
        return role != null ? state.role(role) : extras.permissions();
    }

    /** Whether the key reaches a live workspace (by slug). */
    public boolean covers(OrgState state, String workspace) {
        Long id = state.workspaceId(workspace);
        return id != null && (allWorkspaces || Arrays.binarySearch(workspaceIds, id) >= 0);
    }

    /** The live workspaces the key reaches now, sorted by slug. */
    public List<String> coveredWorkspaces(OrgState state) {
        if (allWorkspaces) {
            return state.liveSlugs();
        }
        List<String> out = new ArrayList<>(workspaceIds.length);
        for (long w : workspaceIds) {
            String slug = state.workspaceSlugs().get(w);
            if (slug != null) {
                out.add(slug);
            }
        }
        out.sort(null);
        return out;
    }

    /** The actor shown for this key: the owner for personal keys, the key's name otherwise. */
    public String actor() {
        return kind == KeyKind.PERSONAL ? ownerSubject() : name;
    }

    /** The actor as a header value: control characters (a subject could carry them) removed. */
    public String actorHeader() {
        String a = actor();
        if (a == null) {
            return "";
        }
        for (int i = 0; i < a.length(); i++) {
            if (Character.isISOControl(a.charAt(i))) {
                return a.replaceAll("\\p{Cntrl}", "");
            }
        }
        return a;
    }

    public String keyId() {
        return keyId;
    }

    public OrgHandle org() {
        return org;
    }

    public KeyKind kind() {
        return kind;
    }

    public String prefix() {
        return prefix;
    }

    public String name() {
        return name;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public boolean revoked() {
        return revoked;
    }

    public boolean enabled() {
        return enabled;
    }

    public long fingerprint() {
        return fingerprint;
    }

    public byte[] previousSecretHash() {
        return extras == null ? null : extras.previousSecretHash();
    }

    public Instant previousSecretExpiresAt() {
        return extras == null ? null : extras.previousSecretExpiresAt();
    }

    /** The imported value this key answers to, or null (keys issued here, and imported keys rotated since). */
    public Imported imported() {
        return extras == null ? null : extras.imported();
    }

    public String ownerSubject() {
        return extras == null ? null : extras.ownerSubject();
    }

    public String metaJson() {
        return extras == null ? null : extras.metaJson();
    }

    public Integer rateLimit() {
        return extras == null ? null : extras.rateLimit();
    }

    public Integer rateLimitWindowSeconds() {
        return extras == null ? null : extras.rateLimitWindowSeconds();
    }

    public List<Cidr> ipAllowlist() {
        return extras == null ? null : extras.ipAllowlist();
    }

    /** The key's quota settings, or null when it has no quota. */
    public QuotaSpec quota() {
        return extras == null ? null : extras.quota();
    }

    /** This replica's rate-limit tokens for the key (null without a rate limit). */
    public LimitState rateState() {
        return extras == null ? null : extras.rateState();
    }

    /** Whether a valid answer still has to pass a rate limit or quota. */
    public boolean limited() {
        return extras != null && (extras.rateLimit() != null || extras.quota() != null);
    }

    /** The key's route rules, or null when it may be used on any route. */
    public RouteRules routes() {
        return extras == null ? null : extras.routes();
    }
}
