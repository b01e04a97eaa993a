package dev.switchboard.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.keys.KeyView;
import dev.switchboard.routing.PaceView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One provider's key pool as operators see it.
 *
 * @param status {@code healthy}, {@code degraded} (no usable key now, circuit half-open, daily limit
 *     reached, or its default model unknown upstream) or {@code down} (disabled, circuit open, or no keys)
 * @param unknownModels models the provider answered "not found" for lately (a typo in the configuration
 *     when the default model is among them: Path A skips the provider)
 * @param remainingCalls calls left today for the provider, null when unlimited
 * @param latency the provider's running time to first content, error rate and calls in flight (what
 *     {@code provider-order: latency} compares)
 * @param keyLatency the same per key alias (what {@code key-strategy: latency} compares)
 */
public record ProviderPoolView(
        String provider,
        String type,
        String format,
        String status,
        String circuit,
        @JsonProperty("usable_keys") int usableKeys,
        @JsonProperty("total_keys") int totalKeys,
        @JsonProperty("calls_today") long callsToday,
        @JsonProperty("daily_limit") long dailyLimit,
        @JsonProperty("remaining_calls") Long remainingCalls,
        @JsonProperty("next_reset") Instant nextReset,
        @JsonProperty("default_model") String defaultModel,
        @JsonProperty("unknown_models") List<String> unknownModels,
        List<KeyView> keys,
        PaceView latency,
        @JsonProperty("key_latency") Map<String, PaceView> keyLatency) {
}
