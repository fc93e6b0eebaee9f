package dev.latchkey.limit;

/**
 * A key's quota settings as the hot path holds them: the generation (changes whenever an admin sets the quota, so
 * counts of an older setting are never applied to a newer one) and the refill, or null.
 */
public record QuotaSpec(int generation, Refill refill) {

    /** The counter's name in the store: the key id as Redis Cluster hash tag, then the generation. */
    public String counter(String keyId) {
        return "lk:q:{" + keyId + "}:" + generation;
    }

    /** The refill boundary index at an instant (0 without refill). */
    long refillIndex(long nowMillis) {
        return refill == null ? 0 : refill.index(nowMillis);
    }

    long refillAmount() {
        return refill == null ? -1 : refill.amount();
    }

    /** The next refill after an instant, or null without refill. */
    public Long refillAt(long nowMillis) {
        return refill == null ? null : refill.nextAfter(nowMillis);
    }

    /** What a counter reads once the refill due at {@code nowMillis} is applied (reads apply it without writing). */
    long withRefill(long remaining, long counterIndex, long nowMillis) {
        return refill != null && refill.index(nowMillis) > counterIndex ? Math.max(remaining, refill.amount())
                : remaining;
    }
}
