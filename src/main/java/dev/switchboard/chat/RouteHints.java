package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/**
 * What a request asks of the routing beyond its target: whether its stream may be hedged, and which
 * conversation it belongs to, so it goes to the key that has the conversation's prompt prefix in its cache.
 *
 * @param hedge {@code "hedge": false} turns hedging off for the request, {@code true} on even where the
 *     operator's default is off; null: the default ({@code switchboard.routing.hedge.enabled})
 * @param affinityKey an explicit affinity ({@code x-switchboard-affinity}, OpenAI's {@code prompt_cache_key});
 *     null when the client gave none (the router then derives one from the {@code user} field or the
 *     conversation's prefix)
 */
public record RouteHints(@Nullable Boolean hedge, @Nullable String affinityKey) {

    /** No wishes: the operator's defaults. */
    public static final RouteHints NONE = new RouteHints(null, null);

    public RouteHints withHedge(@Nullable Boolean hedgeWanted) {
        return new RouteHints(hedgeWanted, affinityKey);
    }

    public RouteHints withAffinityKey(@Nullable String key) {
        return new RouteHints(hedge, key);
    }
}
