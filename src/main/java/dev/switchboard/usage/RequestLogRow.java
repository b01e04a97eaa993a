package dev.switchboard.usage;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code request_log}.
 *
 * @param fallbackChain the attempts as JSON (provider, key alias, model, outcome, error class, status)
 * @param metadata request details as JSON (max_tokens, temperature, stream, waits...)
 * @param traceId the request's trace (W3C trace id), when tracing is on
 */
public record RequestLogRow(
        String id,
        Instant createdAt,
        String client,
        String surface,
        String path,
        @Nullable String provider,
        @Nullable String model,
        @Nullable String keyAlias,
        String outcome,
        @Nullable String errorClass,
        @Nullable String errorMessage,
        int latencyMs,
        @Nullable Integer ttftMs,
        int attempts,
        @Nullable Integer promptTokens,
        @Nullable Integer completionTokens,
        @Nullable Integer totalTokens,
        boolean usageEstimated,
        @Nullable String finishReason,
        @Nullable String fallbackChain,
        @Nullable String responseText,
        @Nullable String metadata,
        @Nullable String traceId) {
}
