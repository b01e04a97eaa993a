package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code /api/chat}, {@code /api/chat/stream} and of a WebSocket chat message.
 *
 * @param id WebSocket only: the client's id for this request
 * @param type WebSocket only: {@code chat} (default) or {@code cancel}
 */
public record ChatRequest(
        String type,
        String id,
        List<Message> messages,
        String model,
        String provider,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        Boolean fallback,
        @JsonProperty("model_fallback") Boolean modelFallback) {

    public record Message(String role, String content) {
    }
}
