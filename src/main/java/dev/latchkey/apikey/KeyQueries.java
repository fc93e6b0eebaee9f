package dev.latchkey.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;
import dev.latchkey.common.http.Param;
import dev.latchkey.error.ApiException;
import dev.latchkey.limit.Quotas;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.KeyState;
import dev.latchkey.workspace.Workspace;
import dev.latchkey.workspace.Workspaces;

/** Reading keys: lists with filters, one key, its hourly usage, and the views every answer is built from. */
@ApplicationScoped
@Transactional
public class KeyQueries {

    private final OrgAccess access;
    private final RoleCatalog roles;
    private final KeyAuthority keyAuthority;
    private final Clock clock;
    private final Quotas quotas;
    private final ApiKeys keys;
    private final Workspaces workspaces;
    private final Db db;

    KeyQueries(OrgAccess access, RoleCatalog roles, KeyAuthority keyAuthority, Clock clock, Quotas quotas, ApiKeys keys,
            Workspaces workspaces, Db db) {
        this.keys = keys;
        this.workspaces = workspaces;
        this.db = db;
        this.access = access;
        this.roles = roles;
        this.keyAuthority = keyAuthority;
        this.clock = clock;
        this.quotas = quotas;
    }

    /** One page of the keys the caller may see, oldest first, with optional filters. */
    public Page<KeyView> list(String orgSlug, Param<KeyKind> kindParam, String workspace, Param<KeyState> stateParam,
            String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        KeyKind kind = Param.get(kindParam);
        KeyState state = Param.get(stateParam);
        StringBuilder q = new StringBuilder("organization_id = ? and deleted_at is null");
        List<Object> p = Keyset.params(ctx.orgId());
        if (kind != null) {
            q.append(" and kind = ?");
            p.add(kind.wire());
        }
        if (workspace != null) {
            Workspace ws = workspaces.findLive(ctx.orgId(), workspace).orElse(null);
            if (ws == null) {
                return new Page<>(List.of(), null);
            }
            q.append(" and (all_workspaces or ").append(ApiKeys.IN_WORKSPACE).append(")");
            p.add(ws.id);
        }
        if (state != null) {
            KeyState s = state;
            q.append(switch (s) {
            case REVOKED -> " and revoked_at is not null";
            case EXPIRED -> " and revoked_at is null and expires_at <= ?";
            case DISABLED -> " and revoked_at is null and (expires_at is null or expires_at > ?) and not enabled";
            case ACTIVE -> " and revoked_at is null and (expires_at is null or expires_at > ?) and enabled";
            });
            if (s != KeyState.REVOKED) {
                p.add(clock.instant());
            }
        }
        if (!ctx.managesAllKeys()) {
            q.append(" and kind = 'personal' and owner_subject = ?");
            p.add(ctx.member().subject);
        }
        Page<ApiKey> page = keys.page(q.toString(), p, limit, cursor);
        return new Page<>(views(ctx.orgId(), page.items()), page.nextCursor());
    }

    /** Reads one key. */
    public KeyView get(String orgSlug, String keyId) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        return view(ctx.orgId(), keyAuthority.findVisible(ctx, keyId));
    }

    /** Hourly verify outcomes of a key between two instants (at most 31 days), oldest first. */
    public KeyDtos.UsageView usage(String orgSlug, String keyId, Param<Instant> from, Param<Instant> to) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        ApiKey k = keyAuthority.findVisible(ctx, keyId);
        Instant end = Param.get(to) == null ? clock.instant() : to.get();
        Instant start = Param.get(from) == null ? end.minus(java.time.Duration.ofHours(24)) : from.get();
        if (!start.isBefore(end) || java.time.Duration.between(start, end).toDays() > 31) {
            throw ApiException.invalid("from", "from must be before to, at most 31 days apart");
        }
        record Count(Instant hour, String outcome, long count) {
        }
        List<Count> rows = db.list(
                "select hour, outcome, count from key_usage_hourly where api_key_id = ? and hour >= ?"
                        + " and hour < ? order by hour, outcome",
                rs -> new Count(Db.instant(rs, "hour"), rs.getString("outcome"), rs.getLong("count")), k.id,
                start.truncatedTo(java.time.temporal.ChronoUnit.HOURS), end);
        Map<Instant, Map<String, Long>> byHour = new java.util.TreeMap<>();
        for (Count r : rows) {
            byHour.computeIfAbsent(r.hour(), h -> new java.util.TreeMap<>()).put(r.outcome(), r.count());
        }
        List<KeyDtos.UsageHour> items = new ArrayList<>();
        byHour.forEach((hour, counts) -> items
                .add(new KeyDtos.UsageHour(hour, counts, counts.values().stream().mapToLong(Long::longValue).sum())));
        return new KeyDtos.UsageView(k.keyId, start, end, items);
    }

    /** One page by number, and the total, for APIs that page by offset (the Elastic-compatible one). */
    public record NumberedPage(List<KeyView> items, long total) {
    }

    /**
     * Live (not revoked) keys of the organization that are admin keys or were made with {@code origin}, oldest first:
     * page {@code page} (from 1) of {@code size}. The Elastic-compatible API lists these.
     */
    public NumberedPage byOriginOrAdmin(String orgSlug, String origin, int page, int size) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        long total = keys.count(ORIGIN_OR_ADMIN, ctx.orgId(), origin);
        return new NumberedPage(
                views(ctx.orgId(), keys.numberedPage(ORIGIN_OR_ADMIN, page - 1, size, ctx.orgId(), origin)), total);
    }

    /** The live key of that set with this name, if any. */
    public Optional<KeyView> byName(String orgSlug, String origin, String name) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        return keys.list(ORIGIN_OR_ADMIN + " and name = ?", ctx.orgId(), origin, name).stream().findFirst()
                .map(k -> view(ctx.orgId(), k));
    }

    /** Parameters: the organization's id, the origin. */
    private static final String ORIGIN_OR_ADMIN = "organization_id = ? and deleted_at is null and revoked_at is null"
            + " and (kind = 'admin' or origin = ?)";

    /**
     * A key of the organization as the API shows it, deleted or not, without the caller's checks: for events about it
     * (README, "Webhooks"), which are rendered inside the transaction that changed it.
     */
    public Optional<KeyView> viewForEvent(long orgId, String keyId) {
        return keys.findByKeyId(keyId).filter(k -> k.organizationId == orgId).map(k -> view(orgId, k));
    }

    KeyView view(long orgId, ApiKey k) {
        return views(orgId, List.of(k)).get(0);
    }

    List<KeyView> views(long orgId, List<ApiKey> keys) {
        Set<Long> ids = new HashSet<>();
        keys.forEach(k -> ids.addAll(k.workspaceIds));
        Map<Long, String> slugs = workspaces.slugsById(ids);
        Map<String, List<String>> known = roles.rolesOf(orgId);
        Instant now = clock.instant();
        return keys.stream().map(k -> KeyViews.view(k, slugs, known, now,
                k.quotaGeneration == null ? null : quotas.read(k.id, k.keyId, k.quotaSpec()))).toList();
    }
}
