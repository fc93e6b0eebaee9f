package dev.latchkey.role;

/** Fired inside the transaction when a custom role's permissions change or it is deleted. */
public record RoleChanged(long organizationId, String name) {
}
