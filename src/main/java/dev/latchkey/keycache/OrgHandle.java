package dev.latchkey.keycache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one mutable place per organization that its cached keys point to: the current {@link OrgState} (null while it
 * must be loaded again) and the rights of the members who own cached personal keys. Swapping {@link #state} is how an
 * organization-wide change reaches all of the organization's keys at once.
 */
public final class OrgHandle {

    final long id;
    volatile OrgState state;
    final ConcurrentHashMap<String, MemberRights> members = new ConcurrentHashMap<>();
    /** One shared array per single workspace: most keys are scoped to one, and a million copies would cost 24 MB. */
    private final ConcurrentHashMap<Long, long[]> singles = new ConcurrentHashMap<>();
    private static final long[] NONE = new long[0];
    /** The cache's resync cycle counter, shared by all its handles (a key made now is stamped with it). */
    private final AtomicInteger resyncCycle;

    OrgHandle(long id, AtomicInteger resyncCycle) {
        this.id = id;
        this.resyncCycle = resyncCycle;
    }

    /** The resync cycle under way in this handle's cache. */
    int resyncCycle() {
        return resyncCycle.get();
    }

    public long id() {
        return id;
    }

    /** The current state, or null when it has to be loaded. */
    public OrgState state() {
        return state;
    }

    /** A canonical instance of a sorted workspace-id set (shared for the empty and single-workspace cases). */
    public long[] workspaces(long[] sorted) {
        if (sorted.length == 0) {
            return NONE;
        }
        return sorted.length == 1 ? singles.computeIfAbsent(sorted[0], w -> sorted) : sorted;
    }

    /** Visits the members whose rights are cached. */
    public void forEachMember(java.util.function.BiConsumer<String, MemberRights> visitor) {
        members.forEach(visitor);
    }

    /** A member's rights, or null when they have to be loaded. */
    public MemberRights member(String subject) {
        return subject == null ? null : members.get(subject);
    }
}
