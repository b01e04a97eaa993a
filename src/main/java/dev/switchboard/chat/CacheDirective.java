package dev.switchboard.chat;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a request lets the response cache do, from {@code Cache-Control} ({@code no-store}: neither read
 * nor store; {@code no-cache}: answer fresh, store the answer; {@code max-age=N}: cache this answer for
 * N seconds even where the surface does not cache by default) or a native body's {@code "cache": false}.
 *
 * @param read a stored answer may be served
 * @param write the fresh answer may be stored
 * @param maxAge the client's own time to live, or null for the operator's
 * @param operatorTtl the operator's time to live for this kind of request (a task type's), or null for the
 *     surface's
 */
public record CacheDirective(boolean read, boolean write, @Nullable Duration maxAge, @Nullable Duration operatorTtl) {

    /** Whatever the operator configured. */
    public static final CacheDirective DEFAULT = new CacheDirective(true, true, null, null);

    /** Neither read nor store. */
    public static final CacheDirective OFF = new CacheDirective(false, false, null, null);

    /** Whether the request turned any part of the cache off. */
    public boolean bypasses() {
        return !read || !write;
    }

    public CacheDirective withOperatorTtl(@Nullable Duration ttl) {
        return new CacheDirective(read, write, maxAge, ttl);
    }

    /** Off when the body said {@code "cache": false}; otherwise this directive. */
    public CacheDirective orOff(@Nullable Boolean bodyCache) {
        return Boolean.FALSE.equals(bodyCache) ? OFF : this;
    }

    /**
     * Reads a {@code Cache-Control} request header; unknown directives are ignored, as HTTP caches do, and
     * a malformed {@code max-age} is a 400.
     */
    public static CacheDirective fromCacheControl(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT;
        }
        boolean read = true;
        boolean write = true;
        Duration maxAge = null;
        for (String part : header.split(",")) {
            String token = part.strip().toLowerCase(Locale.ROOT);
            if (token.equals("no-store")) {
                read = false;
                write = false;
            } else if (token.equals("no-cache")) {
                read = false;
            } else if (token.startsWith("max-age=") || token.startsWith("s-maxage=")) {
                maxAge = seconds(token.substring(token.indexOf('=') + 1));
            }
        }
        if (maxAge != null && maxAge.isZero()) {
            // max-age=0: a stored answer is always stale, and nothing is stored for later
            read = false;
            write = false;
        }
        return new CacheDirective(read, write, maxAge, null);
    }

    private static Duration seconds(String value) {
        String digits = value.strip().replace("\"", "");
        if (!digits.matches("\\d{1,9}")) {
            throw GatewayException.badRequest("invalid_cache_control", "Cache-Control max-age must be a whole "
                    + "number of seconds.");
        }
        return Duration.ofSeconds(Long.parseLong(digits));
    }
}
