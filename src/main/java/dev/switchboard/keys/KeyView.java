package dev.switchboard.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A key as status pages show it: alias and masked key only.
 *
 * @param cooldownUntil when a key that is out comes back by itself; null when it is active or out until
 *     someone acts
 * @param outUntil why a key that is out stays out: {@code until_time} (see {@code cooldown_until}),
 *     {@code until_fixed} (its format cannot be right) or {@code until_enabled} (disabled); null when active
 */
public record KeyView(
        String provider,
        String alias,
        @JsonProperty("masked_key") String maskedKey,
        String status,
        @Nullable String reason,
        @JsonProperty("cooldown_until") @Nullable Instant cooldownUntil,
        @JsonProperty("out_until") @Nullable String outUntil,
        @JsonProperty("consecutive_failures") int consecutiveFailures,
        long successes,
        long failures,
        @JsonProperty("success_rate") @Nullable Double successRate,
        @JsonProperty("avg_latency_ms") @Nullable Long avgLatencyMs,
        @JsonProperty("calls_today") long callsToday,
        @JsonProperty("daily_limit") long dailyLimit,
        @JsonProperty("last_error_class") @Nullable String lastErrorClass,
        @JsonProperty("last_error") @Nullable String lastError,
        @JsonProperty("last_error_at") @Nullable Instant lastErrorAt,
        @JsonProperty("last_success_at") @Nullable Instant lastSuccessAt) {
}
