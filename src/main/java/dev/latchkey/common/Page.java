package dev.latchkey.common;

import java.util.List;
import java.util.function.Function;

/** One page of a keyset-paginated list: the items and the cursor of the next page, or null at the end. */
public record Page<T>(List<T> items, String nextCursor) {

    /** Maps the items, keeping the cursor. */
    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
