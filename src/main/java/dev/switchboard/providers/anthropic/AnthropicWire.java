package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Anthropic Messages wire records for what comes in (message, stream events and errors); requests are
 * built as JSON trees ({@link AnthropicRequests}).
 */
final class AnthropicWire {

    private AnthropicWire() {
    }

    /** A whole message: the non-streamed answer, and {@code message_start.message} in a stream. */
    record Response(String type, List<Block> content, @JsonProperty("stop_reason") String stopReason,
            Usage usage, JsonNode error) {
    }

    /**
     * A content block: {@code text}, {@code tool_use} ({@code id}, {@code name}, {@code input}),
     * {@code thinking} ({@code thinking}, {@code signature}) or another type, which is ignored.
     */
    record Block(String type, String text, String id, String name, JsonNode input, String thinking) {
    }

    record Usage(
            @JsonProperty("input_tokens") Integer inputTokens,
            @JsonProperty("output_tokens") Integer outputTokens,
            @JsonProperty("cache_creation_input_tokens") Integer cacheCreationInputTokens,
            @JsonProperty("cache_read_input_tokens") Integer cacheReadInputTokens) {
    }

    /**
     * Any stream event's data; which fields are set depends on {@code type}: {@code message} for
     * message_start, {@code index} and {@code content_block} for content_block_start, {@code delta} for
     * content_block_delta and message_delta, {@code usage} for message_delta, {@code error} for error.
     */
    record Event(String type, Integer index, @JsonProperty("content_block") Block contentBlock, Response message,
            Delta delta, Usage usage, JsonNode error) {
    }

    /**
     * A content_block_delta's {@code delta} ({@code text_delta}, {@code thinking_delta},
     * {@code input_json_delta}, {@code signature_delta}, ...) or a message_delta's ({@code stop_reason}).
     */
    record Delta(String type, String text, String thinking, @JsonProperty("partial_json") String partialJson,
            @JsonProperty("stop_reason") String stopReason) {
    }
}
