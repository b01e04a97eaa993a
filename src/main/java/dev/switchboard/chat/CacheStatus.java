package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/** How the response cache took part in an answer ({@code x-switchboard-cache}). */
public enum CacheStatus {
    /** Served from the cache: no provider was asked. */
    HIT("hit"),
    /** Not in the cache: answered by a provider (and stored, when it could be). */
    MISS("miss"),
    /** The request turned the cache off ({@code no-store}, {@code no-cache}, {@code "cache": false}). */
    BYPASS("bypass"),
    /** The cache does not apply to this request (not enabled for its surface); no header. */
    NONE(null);

    private final @Nullable String header;

    CacheStatus(@Nullable String header) {
        this.header = header;
    }

    /** The header value, or null when no header is sent. */
    public @Nullable String header() {
        return header;
    }
}
