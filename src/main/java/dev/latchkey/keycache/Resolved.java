package dev.latchkey.keycache;

/** A key with what it shares, as one verify answer reads them: its organization's state and (personal) its owner. */
public record Resolved(CachedKey key, OrgState org, MemberRights owner) {
}
