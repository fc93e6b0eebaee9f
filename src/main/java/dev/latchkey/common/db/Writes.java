package dev.latchkey.common.db;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * The database that takes writes: the primary. Every write (management, outbox, audit, usage and quota flushes, webhook
 * deliveries, migrations) and every read that must see one's own write goes there; the hot path's reads (key cache,
 * misses, change feed, resync) use the default datasource, which may be a nearby standby. See {@link Databases}.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE })
public @interface Writes {
}
