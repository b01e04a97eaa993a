package dev.switchboard.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's {@code POST /v1/chat/completions} body. Fields we do not use (tools, n, logprobs...) are
 * accepted and ignored so the official SDKs work unchanged. {@code provider} and {@code fallback} are
 * Switchboard extensions (the SDKs pass them through {@code extra_body}).
 */
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        String provider,
        Boolean fallback) {

    /** {@code content} is a string or an array of parts ({@code {"type":"text","text":...}}). */
    public record Message(String role, JsonNode content, String name) {
    }

    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }
}
