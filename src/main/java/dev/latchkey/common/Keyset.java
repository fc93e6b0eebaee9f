package dev.latchkey.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

import dev.latchkey.common.db.Db;

/**
 * Keyset pagination by row id, written once for every list: the cursor holds the id of a page's last row, and the next
 * page is the rows strictly after it in the list's order. Rows added or removed meanwhile never make a page repeat or
 * skip a row that was there all along, whichever replica serves the next page (no server-side state).
 */
public final class Keyset {

    /** The order of a list by row id. */
    public enum Order {
        OLDEST_FIRST, NEWEST_FIRST
    }

    private Keyset() {
    }

    /**
     * One page of {@code select} (SQL ending in a where clause over a table aliased so that {@code id} names its id,
     * positional parameters in {@code params}), ordered by id. {@code limit} and {@code cursor} are the caller's query
     * values: 400 when not valid.
     */
    public static <E> Page<E> byId(Db db, String select, List<Object> params, Db.Row<E> row, String limit,
            String cursor, ToLongFunction<E> id, Order order) {
        int n = Cursor.limit(limit);
        Long from = Cursor.decodeId(cursor);
        StringBuilder q = new StringBuilder(select);
        List<Object> p = new ArrayList<>(params);
        if (from != null) {
            q.append(order == Order.OLDEST_FIRST ? " and id > ?" : " and id < ?");
            p.add(from);
        }
        q.append(order == Order.OLDEST_FIRST ? " order by id" : " order by id desc");
        q.append(" limit ").append(n + 1); // n + 1 rows: the last tells if more
        List<E> rows = db.list(q.toString(), row, p.toArray());
        return Cursor.page(rows, n, e -> String.valueOf(id.applyAsLong(e)));
    }

    /** The parameters of a query, in order. */
    public static List<Object> params(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }
}
