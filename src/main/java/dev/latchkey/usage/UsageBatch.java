package dev.latchkey.usage;

import java.util.Arrays;

import dev.latchkey.vocabulary.VerifyCode;

/**
 * Drained usage, column by column: counts as (key, hour, outcome, count) rows and last uses as (key, time) rows, each
 * column one growing array. A flush of 100,000 used keys is a handful of arrays here, not 100,000 objects: whatever a
 * flush holds survives young collections while the database writes it, and in the native executable's serial collector
 * a flush made of small objects made young collections of up to 150 ms (README "Native executable"). Rows are not
 * summed here: the same (key, hour, outcome) may appear more than once (a count put back after a failed flush, an entry
 * drained again after leaving the cache), and the flush's SQL sums them.
 */
public final class UsageBatch {

    private long[] keyPks = new long[16];
    private long[] hours = new long[16];
    private VerifyCode[] codes = new VerifyCode[16];
    private long[] counts = new long[16];
    private int countRows;
    private long[] usedKeyPks = new long[16];
    private long[] usedAtMillis = new long[16];
    private int usedRows;

    /** Adds a count of {@code n} outcomes {@code code} of a key in the hour starting at {@code hourEpochSecond}. */
    void addCount(long keyPk, long hourEpochSecond, VerifyCode code, long n) {
        if (countRows == keyPks.length) {
            int size = countRows * 2;
            keyPks = Arrays.copyOf(keyPks, size);
            hours = Arrays.copyOf(hours, size);
            codes = Arrays.copyOf(codes, size);
            counts = Arrays.copyOf(counts, size);
        }
        keyPks[countRows] = keyPk;
        hours[countRows] = hourEpochSecond;
        codes[countRows] = code;
        counts[countRows++] = n;
    }

    /** Adds a key's last successful use. */
    void addLastUsed(long keyPk, long atMillis) {
        if (usedRows == usedKeyPks.length) {
            usedKeyPks = Arrays.copyOf(usedKeyPks, usedRows * 2);
            usedAtMillis = Arrays.copyOf(usedAtMillis, usedRows * 2);
        }
        usedKeyPks[usedRows] = keyPk;
        usedAtMillis[usedRows++] = atMillis;
    }

    /** Adds every row of another batch. */
    void addAll(UsageBatch other) {
        other.forEachCount(this::addCount);
        other.forEachLastUsed(this::addLastUsed);
    }

    /** Hands every count row to {@code sink}. */
    public void forEachCount(UsageRecorder.CountSink sink) {
        for (int i = 0; i < countRows; i++) {
            sink.accept(keyPks[i], hours[i], codes[i], counts[i]);
        }
    }

    /** Hands every last-use row to {@code sink}. */
    public void forEachLastUsed(UsageRecorder.LastUsedSink sink) {
        for (int i = 0; i < usedRows; i++) {
            sink.accept(usedKeyPks[i], usedAtMillis[i]);
        }
    }

    public boolean isEmpty() {
        return countRows == 0 && usedRows == 0;
    }

    /** Count rows plus last-use rows. */
    public int rows() {
        return countRows + usedRows;
    }

    void clear() {
        countRows = 0;
        usedRows = 0;
    }

    /** The count rows' key ids, as an array of their number (a SQL array parameter). */
    long[] countKeyPks() {
        return Arrays.copyOf(keyPks, countRows);
    }

    /** The count rows' hours, in seconds since the epoch. */
    long[] countHours() {
        return Arrays.copyOf(hours, countRows);
    }

    /** The count rows' outcomes by name. */
    String[] countOutcomes() {
        String[] out = new String[countRows];
        for (int i = 0; i < countRows; i++) {
            out[i] = codes[i].name();
        }
        return out;
    }

    long[] countValues() {
        return Arrays.copyOf(counts, countRows);
    }

    long[] usedKeyPks() {
        return Arrays.copyOf(usedKeyPks, usedRows);
    }

    long[] usedAtMillis() {
        return Arrays.copyOf(usedAtMillis, usedRows);
    }
}
