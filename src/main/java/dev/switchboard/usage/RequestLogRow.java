package dev.switchboard.usage;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code request_log}.
 *
 * @param fallbackChain the attempts as a JSON document (provider, key alias, model, outcome, error class, status)
 * @param metadata request details as a JSON document (max_tokens, temperature, stream, waits...)
 *     <p>Both documents are UTF-8 bytes already storable in PostgreSQL: no NUL, raw or escaped (the recorder
 *     writes them with {@link dev.switchboard.database.PostgresText#JSON_ESCAPES}). They are written to the
 *     database as they are.
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
        byte @Nullable [] fallbackChain,
        @Nullable String responseText,
        byte @Nullable [] metadata,
        @Nullable String traceId) {
}
