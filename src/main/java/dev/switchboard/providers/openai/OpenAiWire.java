package dev.switchboard.providers.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** OpenAI chat-completions wire records (request out, response and stream chunks in). */
final class OpenAiWire {

    private OpenAiWire() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Request(
            String model,
            List<Message> messages,
            @JsonProperty("max_tokens") Integer maxTokens,
            Double temperature,
            Boolean stream,
            @JsonProperty("stream_options") StreamOptions streamOptions) {
    }

    record Message(String role, String content) {
    }

    record StreamOptions(@JsonProperty("include_usage") boolean includeUsage) {
    }

    record Response(List<Choice> choices, Usage usage, JsonNode error) {
    }

    record Choice(Integer index, ResponseMessage message, Delta delta,
            @JsonProperty("finish_reason") String finishReason) {
    }

    record ResponseMessage(String role, String content) {
    }

    record Delta(String role, String content, String reasoning,
            @JsonProperty("reasoning_content") String reasoningContent) {
    }

    record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
            @JsonProperty("completion_tokens") Integer completionTokens,
            @JsonProperty("total_tokens") Integer totalTokens) {
    }

    /** One stream chunk; Groq puts usage into {@code x_groq.usage} when include_usage is absent. */
    record Chunk(List<Choice> choices, Usage usage, JsonNode error, @JsonProperty("x_groq") XGroq xGroq) {
    }

    record XGroq(Usage usage, JsonNode error) {
    }
}
