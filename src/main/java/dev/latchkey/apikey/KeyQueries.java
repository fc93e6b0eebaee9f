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

import io.quarkus.panache.common.Parameters;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.http.Param;
import dev.latchkey.error.ApiException;
import dev.latchkey.limit.Quotas;
import dev.latchkey.role.RoleCatalog;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.workspace.Workspace;

/** Reading keys: lists with filters, one key, its hourly usage, and the views every answer is built from. */
@ApplicationScoped
@Transactional
public class KeyQueries {

    private final OrgAccess access;
    private final RoleCatalog roles;
    private final KeyAuthority keyAuthority;
    private final Clock clock;
    private final Quotas quotas;

    KeyQueries(OrgAccess access, RoleCatalog roles, KeyAuthority keyAuthority, Clock clock, Quotas quotas) {
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
        StringBuilder q = new StringBuilder("organizationId = :org and deletedAt is null");
        Parameters p = Parameters.with("org", ctx.orgId());
        if (kind != null) {
            q.append(" and kind = :kind");
            p.and("kind", kind.wire());
        }
        if (workspace != null) {
            Workspace ws = Workspace.findLive(ctx.orgId(), workspace).orElse(null);
            if (ws == null) {
                return new Page<>(List.of(), null);
            }
            q.append(" and (allWorkspaces = true or :ws member of workspaceIds)");
            p.and("ws", ws.id);
        }
        if (state != null) {
            KeyState s = state;
            q.append(switch (s) {
            case REVOKED -> " and revokedAt is not null";
            case EXPIRED -> " and revokedAt is null and expiresAt <= :now";
            case DISABLED -> " and revokedAt is null and (expiresAt is null or expiresAt > :now) and enabled = false";
            case ACTIVE -> " and revokedAt is null and (expiresAt is null or expiresAt > :now) and enabled = true";
            });
            if (s != KeyState.REVOKED) {
                p.and("now", clock.instant());
            }
        }
        if (!ctx.managesAllKeys()) {
            q.append(" and kind = 'personal' and ownerSubject = :owner");
            p.and("owner", ctx.member().subject);
        }
        Page<ApiKey> page = Keyset.<ApiKey> byId((query, params) -> ApiKey.find(query, params), q.toString(), p, limit,
                cursor, k -> k.id, Keyset.Order.OLDEST_FIRST);
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
        @SuppressWarnings("unchecked")
        List<Object[]> rows = ApiKey.getEntityManager().createNativeQuery(
                "select hour, outcome, count from key_usage_hourly where api_key_id = ?1 and hour >= ?2 and hour < ?3"
                        + " order by hour, outcome")
                .setParameter(1, k.id).setParameter(2, start.truncatedTo(java.time.temporal.ChronoUnit.HOURS))
                .setParameter(3, end).getResultList();
        Map<Instant, Map<String, Long>> byHour = new java.util.TreeMap<>();
        for (Object[] r : rows) {
            Instant hour = r[0] instanceof java.sql.Timestamp t ? t.toInstant()
                    : r[0] instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) r[0];
            byHour.computeIfAbsent(hour, h -> new java.util.TreeMap<>()).put((String) r[1],
                    ((Number) r[2]).longValue());
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
        var query = ApiKey.find(ORIGIN_OR_ADMIN + " order by id",
                Parameters.with("org", ctx.orgId()).and("origin", origin));
        long total = query.count();
        return new NumberedPage(views(ctx.orgId(), query.page(page - 1, size).list()), total);
    }

    /** The live key of that set with this name, if any. */
    public Optional<KeyView> byName(String orgSlug, String origin, String name) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        return ApiKey
                .<ApiKey> find(ORIGIN_OR_ADMIN + " and name = :name",
                        Parameters.with("org", ctx.orgId()).and("origin", origin).and("name", name))
                .firstResultOptional().map(k -> view(ctx.orgId(), k));
    }

    private static final String ORIGIN_OR_ADMIN = "organizationId = :org and deletedAt is null and revokedAt is null"
            + " and (kind = 'admin' or origin = :origin)";

    KeyView view(long orgId, ApiKey k) {
        return views(orgId, List.of(k)).get(0);
    }

    List<KeyView> views(long orgId, List<ApiKey> keys) {
        Set<Long> ids = new HashSet<>();
        keys.forEach(k -> ids.addAll(k.workspaceIds));
        Map<Long, String> slugs = Workspace.slugsById(ids);
        Map<String, List<String>> known = roles.rolesOf(orgId);
        Instant now = clock.instant();
        return keys.stream().map(k -> KeyViews.view(k, slugs, known, now,
                k.quotaGeneration == null ? null : quotas.read(k.id, k.keyId, k.quotaSpec()))).toList();
    }
}
