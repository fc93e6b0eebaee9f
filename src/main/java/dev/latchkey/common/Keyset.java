package dev.latchkey.common;

import java.util.List;
import java.util.function.ToLongFunction;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Parameters;

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

    /**
     * A Panache query with named parameters: {@code (q, p) -> Entity.find(q, p)}, not {@code Entity::find}, which would
     * name the un-enhanced {@code PanacheEntityBase.find}.
     */
    @FunctionalInterface
    public interface Finder<E> {
        PanacheQuery<E> find(String query, Parameters params);
    }

    private Keyset() {
    }

    /**
     * One page of {@code where} (HQL, named parameters in {@code params}), ordered by id. {@code limit} and
     * {@code cursor} are the caller's query values: 400 when not valid.
     */
    public static <E> Page<E> byId(Finder<E> finder, String where, Parameters params, String limit, String cursor,
            ToLongFunction<E> id, Order order) {
        int n = Cursor.limit(limit);
        Long from = Cursor.decodeId(cursor);
        StringBuilder q = new StringBuilder(where);
        if (from != null) {
            q.append(order == Order.OLDEST_FIRST ? " and id > :keysetFrom" : " and id < :keysetFrom");
            params.and("keysetFrom", from);
        }
        q.append(order == Order.OLDEST_FIRST ? " order by id" : " order by id desc");
        List<E> rows = finder.find(q.toString(), params).range(0, n).list(); // n + 1 rows: the last tells if more
        return Cursor.page(rows, n, e -> String.valueOf(id.applyAsLong(e)));
    }
}
