package dev.switchboard.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The running figures of a key or provider, as {@code /admin/keys} and the metrics show them.
 *
 * @param firstContentMs running (EWMA) time to first content, faded towards the prior since the last call;
 *     null before the first answer
 * @param errorRate running share of calls that failed for a reason of the key's or the provider's (0 to 1)
 * @param inFlight upstream calls open now
 * @param calls upstream calls since start
 * @param cost what the latency strategy compares (lower is chosen): time to first content × (in flight + 1)
 *     × (1 + error penalty × error rate)
 * @param promptTokens prompt tokens reported by the answers since start
 * @param cachedTokens the part of them the provider read from its prompt cache
 */
public record PaceView(
        @JsonProperty("first_content_ms") @Nullable Double firstContentMs,
        @JsonProperty("error_rate") double errorRate,
        @JsonProperty("in_flight") int inFlight,
        long calls,
        double cost,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("cached_tokens") long cachedTokens) {

    public static final PaceView NONE = new PaceView(null, 0, 0, 0, 0, 0, 0);
}
