package dev.switchboard.usage;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One row of {@code request_log}. */
public record RequestLogRow(
        String id,
        Instant createdAt,
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
        boolean usageEstimated) {
}
