package dev.latchkey.keycache;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.keycache.OrgLoader.MemberRef;
import dev.latchkey.vocabulary.KeyKind;

/**
 * Fills and refreshes the {@link KeyCache} from the database: warm-up, a request's miss, and the evict-then-reload of
 * whatever the change feed or the resync reports. Every install after the warm-up goes through the cache's generation
 * check (see {@link KeyCache}), so a refresh that overlapped another change leaves the entry evicted instead of stale.
 * An organization-wide change reloads one {@link OrgState} (two small queries), never the organization's keys.
 */
@ApplicationScoped
public class CacheRefresher {

    private static final Logger LOG = Logger.getLogger(CacheRefresher.class);

    private final KeyCache cache;
    private final KeyLoader loader;
    private final OrgLoader orgs;

    public CacheRefresher(KeyCache cache, KeyLoader loader, OrgLoader orgs) {
        this.cache = cache;
        this.loader = loader;
        this.orgs = orgs;
    }

    /** Loads up to {@code limit} live keys and what they share; returns how many keys. */
    public int warmUp(long limit) throws SQLException {
        long start = System.nanoTime();
        Set<Long> orgIds = new HashSet<>();
        Set<MemberRef> owners = new HashSet<>();
        int[] n = { 0 };
        loader.streamLive(limit, cache::handle, k -> {
            cache.putWarm(k);
            orgIds.add(k.org().id());
            if (k.kind() == KeyKind.PERSONAL) {
                owners.add(new MemberRef(k.org().id(), k.ownerSubject()));
            }
            n[0]++;
        });
        orgs.loadOrgs(orgIds).values().forEach(cache::installWarm);
        orgs.loadMembers(owners).forEach((ref, rights) -> cache.installWarm(ref.orgId(), ref.subject(), rights));
        LOG.infof("Key cache warmed with %d keys in %d ms", n[0], (System.nanoTime() - start) / 1_000_000);
        return n[0];
    }

    /**
     * A request's miss: loads the key and, when not cached, its organization's state and owner's rights; caches what no
     * concurrent change overtook. Returns null when there is no such key. Throws when the database fails.
     */
    public Resolved load(String keyId) throws SQLException {
        return load(keyId, cache.pinnedToPrimary(keyId));
    }

    /**
     * This replica's own change to a key, when it reads a standby: the key is pinned to the primary until the feed has
     * passed the change ({@link KeyCache#pinToPrimary}), and the key, and its organization and owner where they are not
     * cached, are read again from the primary, where the change just committed, and the key is installed over whatever
     * a load from the standby brings meanwhile (README "Regions and failover"). Later changes made elsewhere reach it
     * through the feed, as on any replica.
     */
    public void reloadFromPrimary(String keyId) throws SQLException {
        cache.pinToPrimary(keyId, loader.primaryXmax()); // first: a miss or a resync from here on reads the primary
        load(keyId, true);
    }

    private Resolved load(String keyId, boolean fromPrimary) throws SQLException {
        long generation = cache.generation();
        List<CachedKey> found = fromPrimary ? loader.loadKeysFromPrimary(List.of(keyId), cache::handle)
                : loader.loadKeys(List.of(keyId), cache::handle);
        if (found.isEmpty()) {
            cache.putLoaded(keyId, null, generation);
            return null;
        }
        CachedKey k = found.get(0);
        OrgHandle handle = k.org();
        OrgState state = handle.state();
        if (state == null) {
            List<Long> id = List.of(handle.id());
            state = (fromPrimary ? orgs.loadOrgsFromPrimary(id) : orgs.loadOrgs(id)).get(handle.id());
            if (state == null) {
                throw new SQLException("organization " + handle.id() + " of key " + keyId + " not found");
            }
            cache.installOrg(state, generation);
        }
        MemberRights owner = null;
        if (k.kind() == KeyKind.PERSONAL) {
            owner = handle.member(k.ownerSubject());
            if (owner == null) {
                List<MemberRef> ref = List.of(new MemberRef(handle.id(), k.ownerSubject()));
                owner = (fromPrimary ? orgs.loadMembersFromPrimary(ref) : orgs.loadMembers(ref))
                        .getOrDefault(ref.get(0), MemberRights.ABSENT);
                cache.installMember(handle.id(), k.ownerSubject(), owner, generation);
            }
        }
        if (fromPrimary) {
            cache.putFromPrimary(keyId, k, generation);
        } else {
            cache.putLoaded(keyId, k, generation);
        }
        return new Resolved(k, state, owner);
    }

    /** Evicts these keys and reloads those that were cached, in one query. Returns how many were cached. */
    public int refreshKeys(Collection<String> keyIds) throws SQLException {
        List<String> wereCached = evictKeys(keyIds);
        reloadKeys(wereCached);
        return wereCached.size();
    }

    /**
     * Evicts these keys: from here on a request loads the committed state itself. Returns those that were cached (worth
     * reloading ahead of the next request).
     */
    public List<String> evictKeys(Collection<String> keyIds) {
        List<String> wereCached = new ArrayList<>();
        for (String id : keyIds) {
            if (cache.contains(id)) {
                wereCached.add(id);
            }
            cache.evict(id);
        }
        return wereCached;
    }

    /**
     * Loads evicted keys again in one query, each kept only if no other change overtook the load. Keys pinned to the
     * primary (this replica's own changes the standby may not have yet) are read there.
     */
    public void reloadKeys(List<String> keyIds) throws SQLException {
        if (keyIds.isEmpty()) {
            return;
        }
        List<String> pinned = keyIds.stream().filter(cache::pinnedToPrimary).toList();
        long generation = cache.generation();
        for (CachedKey k : loader.loadKeys(
                pinned.isEmpty() ? keyIds : keyIds.stream().filter(id -> !cache.pinnedToPrimary(id)).toList(),
                cache::handle)) {
            cache.putLoaded(k.keyId(), k, generation);
        }
        long expected = generation; // each install from the primary moves the generation on by one
        for (CachedKey k : loader.loadKeysFromPrimary(pinned, cache::handle)) {
            if (cache.putFromPrimary(k.keyId(), k, expected)) {
                expected++;
            }
        }
    }

    /** Reloads the shared state of these organizations where it is cached. Returns how many were reloaded. */
    public int refreshOrgs(Collection<Long> orgIds) throws SQLException {
        return refreshOrgs(orgIds, false);
    }

    /** The same, read from the primary: this replica's own change, when it reads a standby. */
    public int refreshOrgsFromPrimary(Collection<Long> orgIds) throws SQLException {
        return refreshOrgs(orgIds, true);
    }

    private int refreshOrgs(Collection<Long> orgIds, boolean fromPrimary) throws SQLException {
        if (orgIds.isEmpty()) {
            return 0;
        }
        long generation = cache.beginInvalidation(); // loads of these states already in flight must not install
        List<Long> cached = new ArrayList<>();
        for (Long id : orgIds) {
            OrgHandle h = cache.existingHandle(id);
            if (h != null && h.state() != null) {
                cached.add(id);
            }
        }
        if (cached.isEmpty()) {
            return 0;
        }
        Map<Long, OrgState> fresh;
        try {
            fresh = fromPrimary ? orgs.loadOrgsFromPrimary(cached) : orgs.loadOrgs(cached);
        } catch (SQLException | RuntimeException e) {
            cached.forEach(cache::invalidateOrg); // known stale: load on demand rather than keep
            throw e;
        }
        install(cached, fresh, generation);
        return cached.size();
    }

    /**
     * Installs organization states loaded after {@code generation} was taken; one that cannot be installed (or no
     * longer exists) is dropped and loaded again on demand.
     */
    public void install(Collection<Long> orgIds, Map<Long, OrgState> fresh, long generation) {
        List<Long> failed = new ArrayList<>();
        for (Long id : orgIds) {
            OrgState s = fresh.get(id);
            if (s == null || !cache.installOrg(s, generation)) {
                failed.add(id);
            }
        }
        failed.forEach(cache::invalidateOrg);
    }

    /** Reloads these members' rights where they are cached. Returns how many were reloaded. */
    public int refreshMembers(Collection<MemberRef> refs) throws SQLException {
        return refreshMembers(refs, false);
    }

    /** The same, read from the primary: this replica's own change, when it reads a standby. */
    public int refreshMembersFromPrimary(Collection<MemberRef> refs) throws SQLException {
        return refreshMembers(refs, true);
    }

    private int refreshMembers(Collection<MemberRef> refs, boolean fromPrimary) throws SQLException {
        if (refs.isEmpty()) {
            return 0;
        }
        long generation = cache.beginInvalidation();
        Set<MemberRef> cached = new LinkedHashSet<>();
        for (MemberRef r : refs) {
            OrgHandle h = cache.existingHandle(r.orgId());
            if (h != null && h.member(r.subject()) != null) {
                cached.add(r);
            }
        }
        if (cached.isEmpty()) {
            return 0;
        }
        Map<MemberRef, MemberRights> fresh;
        try {
            fresh = fromPrimary ? orgs.loadMembersFromPrimary(cached) : orgs.loadMembers(cached);
        } catch (SQLException | RuntimeException e) {
            cached.forEach(r -> cache.invalidateMember(r.orgId(), r.subject()));
            throw e;
        }
        installMembers(cached, fresh, generation);
        return cached.size();
    }

    /** Installs member rights loaded after {@code generation} was taken; failures are dropped (loaded on demand). */
    public void installMembers(Collection<MemberRef> refs, Map<MemberRef, MemberRights> fresh, long generation) {
        List<MemberRef> failed = new ArrayList<>();
        for (MemberRef r : refs) {
            if (!cache.installMember(r.orgId(), r.subject(), fresh.getOrDefault(r, MemberRights.ABSENT), generation)) {
                failed.add(r);
            }
        }
        failed.forEach(r -> cache.invalidateMember(r.orgId(), r.subject()));
    }
}
