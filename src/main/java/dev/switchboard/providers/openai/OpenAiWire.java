package dev.switchboard.providers.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI chat-completions wire records for what comes in (answers and stream chunks). Unknown fields are
 * ignored; requests are built as JSON trees ({@link OpenAiRequests}) because tool schemas are free-form.
 */
final class OpenAiWire {

    private OpenAiWire() {
    }

    record Response(List<Choice> choices, Usage usage, JsonNode error) {
    }

    record Choice(Integer index, ResponseMessage message, Delta delta,
            @JsonProperty("finish_reason") String finishReason) {
    }

    record ResponseMessage(String role, String content, String refusal,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls, String reasoning,
            @JsonProperty("reasoning_content") String reasoningContent) {
    }

    record Delta(String role, String content, String refusal, String reasoning,
            @JsonProperty("reasoning_content") String reasoningContent,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
    }

    /** A tool call; in a stream delta only {@code index} is sure, the rest comes in its first fragment. */
    record ToolCall(Integer index, String id, String type, Function function) {
    }

    record Function(String name, String arguments) {
    }

    record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
            @JsonProperty("completion_tokens") Integer completionTokens,
            @JsonProperty("total_tokens") Integer totalTokens,
            @JsonProperty("prompt_tokens_details") PromptDetails promptDetails,
            @JsonProperty("completion_tokens_details") CompletionDetails completionDetails) {
    }

    record PromptDetails(@JsonProperty("cached_tokens") Integer cachedTokens) {
    }

    record CompletionDetails(@JsonProperty("reasoning_tokens") Integer reasoningTokens) {
    }

    /** One stream chunk; Groq puts usage into {@code x_groq.usage} when include_usage is absent. */
    record Chunk(List<Choice> choices, Usage usage, JsonNode error, @JsonProperty("x_groq") XGroq xGroq) {
    }

    record XGroq(Usage usage, JsonNode error) {
    }
}
