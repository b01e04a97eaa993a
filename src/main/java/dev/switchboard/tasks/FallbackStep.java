package dev.switchboard.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt of a task, as {@code fallback_chain} lists it (key alias only, never the key).
 *
 * @param round {@code answer}, or {@code repair} for the strict-JSON repair round
 * @param outcome {@code ok} or {@code error}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FallbackStep(
        String round,
        @Nullable String provider,
        @Nullable String key,
        @Nullable String model,
        String outcome,
        @JsonProperty("error_class") @Nullable ErrorClass errorClass,
        @Nullable Integer status,
        @Nullable String message,
        @JsonProperty("latency_ms") long latencyMs) {

    public static FallbackStep of(String round, Attempt attempt) {
        return new FallbackStep(round, attempt.provider(), attempt.key(), attempt.model(),
                attempt.outcome(), attempt.errorClass(), attempt.status() > 0 ? attempt.status() : null,
                attempt.message(), attempt.latencyMs());
    }
}
