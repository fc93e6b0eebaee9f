package dev.latchkey.member;

/** Fired inside the transaction when a member's rights change or the member is removed. */
public record MemberChanged(long organizationId, String subject) {
}
