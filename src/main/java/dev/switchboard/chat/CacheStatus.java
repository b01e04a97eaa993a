package dev.switchboard.chat;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How the response cache took part in an answer ({@code x-switchboard-cache}). */
public enum CacheStatus {
    /** Served from the cache: no provider was asked. */
    HIT,
    /** Not in the cache: answered by a provider (and stored, when it could be). */
    MISS,
    /** The request turned the cache off ({@code no-store}, {@code no-cache}, {@code "cache": false}). */
    BYPASS,
    /** The cache does not apply to this request (not enabled for its surface); no header. */
    NONE;

    /** The header value, or null when no header is sent. */
    public @Nullable String header() {
        return this == NONE ? null : name().toLowerCase(Locale.ROOT);
    }
}
