package dev.latchkey.limit;

/**
 * A replica wrote the units it spent on a key's quota: what the durable count was after the write, and the quota's size
 * (0 when unknown). Fired on the flush's worker thread, never on the hot path.
 */
public record QuotaFlushed(long keyPk, int generation, long refillIndex, long remaining, long size) {
}
