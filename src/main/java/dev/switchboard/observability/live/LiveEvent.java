package dev.switchboard.observability.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.routing.PaceView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /api/v1/live} sends; the SSE event name is {@link #type()}, the data is the record as
 * JSON. Keys appear by alias only, never a secret (nor its fingerprint).
 */
public sealed interface LiveEvent {

    /** The SSE event name, also repeated in the data for consumers that only read data lines. */
    String type();

    /** A request that ended, however it ended. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RequestEnded(
            String type,
            Instant time,
            @JsonProperty("request_id") String requestId,
            String surface,
            String path,
            @Nullable String provider,
            @Nullable String key,
            @Nullable String model,
            String outcome,
            @JsonProperty("error_class") @Nullable ErrorClass errorClass,
            @JsonProperty("latency_ms") long latencyMs,
            @JsonProperty("ttft_ms") @Nullable Long ttftMs,
            @JsonProperty("total_tokens") @Nullable Integer totalTokens,
            boolean fallback,
            List<AttemptSummary> attempts) implements LiveEvent {
    }

    /** One upstream attempt of a request: which key, and the error class when it failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AttemptSummary(
            String provider,
            String key,
            String model,
            String outcome,
            @JsonProperty("error_class") @Nullable ErrorClass errorClass,
            @Nullable Integer status,
            @JsonProperty("latency_ms") long latencyMs) {
    }

    /**
     * A key changed state.
     *
     * @param until when the key rejoins; null while active or disabled
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyChanged(
            String type,
            Instant time,
            String provider,
            String key,
            String status,
            @Nullable String reason,
            @Nullable Instant until,
            @JsonProperty("consecutive_failures") int consecutiveFailures) implements LiveEvent {
    }

    /**
     * The gateway's pulse, once a second.
     *
     * @param requestsPerSecond requests ended per second, averaged over the window
     * @param inFlight upstream calls in progress now (the providers' bulkheads)
     * @param droppedEvents events dropped for listeners too slow to read them, since startup
     * @param queue the background job queue, when the jobs feature runs
     * @param providers each provider's running figures (time to first content, error rate, calls in flight,
     *     prompt and cached prompt tokens: the cache-hit share is cached / prompt), when the feed has them
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Snapshot(
            String type,
            Instant time,
            @JsonProperty("window_seconds") int windowSeconds,
            @JsonProperty("requests_per_second") double requestsPerSecond,
            int requests,
            int errors,
            int fallbacks,
            @JsonProperty("latency_p50_ms") @Nullable Long latencyP50Ms,
            @JsonProperty("latency_p95_ms") @Nullable Long latencyP95Ms,
            @JsonProperty("ttft_p50_ms") @Nullable Long ttftP50Ms,
            @JsonProperty("ttft_p95_ms") @Nullable Long ttftP95Ms,
            @JsonProperty("in_flight") int inFlight,
            int listeners,
            @JsonProperty("dropped_events") long droppedEvents,
            QueueReadout.@Nullable Reading queue,
            @Nullable Map<String, PaceView> providers) implements LiveEvent {
    }
}
