package dev.switchboard.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The outcome of one task: what {@code /api/v1/brain/process} answers, what is stored, and what
 * {@code /api/v1/brain/results/{id}} reads back.
 *
 * @param inputData the input text, or the file name for a file
 * @param response the model's raw answer text (for a failed strict task: the last rejected answer)
 * @param parsed the answer parsed as JSON, for tasks whose profile asks for JSON
 * @param responseTime seconds from receiving the request to the answer, extraction included
 * @param fallbackChain every upstream attempt in order, both rounds of a repaired strict task included
 * @param clientId the gateway client that asked ({@code anonymous} without a key, {@code admin} for the admin
 *     token): it alone (and the admin token) can read the record back; null for records stored before owners
 *     were recorded. Not part of the answer.
 */
public record TaskRecord(
        String id,
        boolean success,
        @JsonProperty("task_type") String taskType,
        @JsonProperty("input_type") String inputType,
        @JsonProperty("input_data") @Nullable String inputData,
        @Nullable String provider,
        @Nullable String model,
        @Nullable String response,
        @Nullable JsonNode parsed,
        TaskUsage usage,
        @JsonProperty("response_time") double responseTime,
        @JsonProperty("error_message") @Nullable String errorMessage,
        Map<String, Object> metadata,
        @JsonProperty("fallback_chain") List<FallbackStep> fallbackChain,
        @JsonProperty("total_attempts") int totalAttempts,
        @JsonProperty("created_at") Instant createdAt,
        @JsonIgnore @Nullable String clientId) {

    public TaskRecord {
        fallbackChain = List.copyOf(fallbackChain);
    }

    /** The same record with more metadata (e.g. whether it was stored). */
    public TaskRecord withMetadata(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(metadata);
        more.put(key, value);
        return new TaskRecord(id, success, taskType, inputType, inputData, provider, model, response, parsed, usage,
                responseTime, errorMessage, more, fallbackChain, totalAttempts, createdAt, clientId);
    }
}
