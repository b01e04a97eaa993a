package dev.switchboard.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.keys.KeyView;
import java.time.Instant;
import java.util.List;

/**
 * One provider's key pool as operators see it.
 *
 * @param status {@code healthy}, {@code degraded} (no usable key now, circuit half-open or daily limit
 *     reached) or {@code down} (disabled, circuit open, or no keys)
 * @param remainingCalls calls left today for the provider, null when unlimited
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
        List<KeyView> keys) {
}
