/**
 * The response cache: exact-match answers of successful, complete requests, per client namespace, in an
 * in-process tier (Caffeine, bounded by entries and bytes) and an optional tier in PostgreSQL shared by
 * every instance. {@link dev.switchboard.cache.ResponseCache} decides per request (surface, task type,
 * temperature, {@code Cache-Control}) and the routing pipeline consults it before any provider is asked.
 */
@NullMarked
package dev.switchboard.cache;

import org.jspecify.annotations.NullMarked;
