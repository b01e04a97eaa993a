package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Anthropic Messages wire records (request out; message, stream events and errors in). */
final class AnthropicWire {

    private AnthropicWire() {
    }

    /** {@code max_tokens} is required by the API; {@code system} is top level, never a message role. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Request(
            String model,
            @JsonProperty("max_tokens") int maxTokens,
            String system,
            List<Message> messages,
            Double temperature,
            Boolean stream) {
    }

    /** Roles are {@code user} and {@code assistant} only. */
    record Message(String role, String content) {
    }

    /** A whole message: the non-streamed answer, and {@code message_start.message} in a stream. */
    record Response(String type, List<Block> content, @JsonProperty("stop_reason") String stopReason,
            Usage usage, JsonNode error) {
    }

    /** A content block; only {@code text} blocks carry answer text. */
    record Block(String type, String text) {
    }

    record Usage(
            @JsonProperty("input_tokens") Integer inputTokens,
            @JsonProperty("output_tokens") Integer outputTokens,
            @JsonProperty("cache_creation_input_tokens") Integer cacheCreationInputTokens,
            @JsonProperty("cache_read_input_tokens") Integer cacheReadInputTokens) {
    }

    /**
     * Any stream event's data; which fields are set depends on {@code type}: {@code message} for
     * message_start, {@code delta} for content_block_delta and message_delta, {@code usage} for
     * message_delta, {@code error} for error.
     */
    record Event(String type, Response message, Delta delta, Usage usage, JsonNode error) {
    }

    /**
     * A content_block_delta's {@code delta} ({@code text_delta}, {@code thinking_delta},
     * {@code input_json_delta}, ...) or a message_delta's ({@code stop_reason}).
     */
    record Delta(String type, String text, String thinking, @JsonProperty("partial_json") String partialJson,
            @JsonProperty("stop_reason") String stopReason) {
    }
}
