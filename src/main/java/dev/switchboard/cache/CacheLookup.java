package dev.switchboard.cache;

import dev.switchboard.chat.CacheStatus;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The cache's decision for one request.
 *
 * @param key where its answer is kept (namespace and hash of the request); null when the cache plays no part
 * @param read a stored answer may be served
 * @param write the fresh answer may be stored, for {@code ttl}
 * @param status the header a miss (or bypass) answers with
 */
public record CacheLookup(@Nullable String key, boolean read, boolean write, Duration ttl, CacheStatus status) {

    /** The cache plays no part (off, or not configured for this request): no header either. */
    public static final CacheLookup NONE = new CacheLookup(null, false, false, Duration.ZERO, CacheStatus.NONE);

    /** The request turned the cache off entirely. */
    public static final CacheLookup BYPASS = new CacheLookup(null, false, false, Duration.ZERO, CacheStatus.BYPASS);

    public boolean involved() {
        return key != null && (read || write);
    }
}
