package dev.switchboard.tasks.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/brain/process} (JSON), or the fields of its multipart form.
 *
 * @param inputData the text to work on (a multipart request sends a {@code file} instead)
 * @param preferredProvider tried first, then the normal fallback order
 * @param model a model name (Path B, as in {@code /api/chat}); with {@code preferred_provider}, that
 *     provider's model
 * @param variables extra template values, e.g. {@code {"instruction": "Summarise in French"}}
 * @param cache false: the response cache neither serves nor stores this task's answer
 * @param priority jobs only ({@code /api/v1/brain/jobs}): 0 to 9, higher runs sooner; 5 when not given
 */
record TaskRequest(
        @JsonProperty("input_data") @Nullable String inputData,
        @JsonProperty("task_type") @Nullable String taskType,
        @JsonProperty("preferred_provider") @Nullable String preferredProvider,
        @Nullable String model,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @Nullable Double temperature,
        @Nullable Map<String, Object> variables,
        @Nullable Boolean cache,
        @Nullable Integer priority) {
}
