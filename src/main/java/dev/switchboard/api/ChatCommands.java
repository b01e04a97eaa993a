package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.Surface;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Validates chat requests and turns them into {@link ChatCommand}s; every problem becomes a 400 that
 * says which field is wrong. Bodies are read by {@link JsonBodies} (not by a codec), so any content type
 * is accepted and malformed JSON gets the gateway's error shape.
 */
@Component
public class ChatCommands {

    static final int MAX_MESSAGES = 512;
    static final int MAX_TOKENS = 1_000_000;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private final JsonBodies bodies;

    public ChatCommands(JsonBodies bodies) {
        this.bodies = bodies;
    }

    /** Reads the body of a native chat request ({@code /api/chat}, a WebSocket message). */
    public ChatRequest request(byte[] body) {
        return bodies.parse(body, ChatRequest.class);
    }

    /** The command of an HTTP request body: its request id and client come from the exchange. */
    public ChatCommand read(byte[] body, ServerWebExchange exchange, Surface surface) {
        return toCommand(request(body), exchange, surface);
    }

    /** The command of an HTTP request: its request id and client come from the exchange. */
    public ChatCommand toCommand(ChatRequest request, ServerWebExchange exchange, Surface surface) {
        return toCommand(request, RequestIds.of(exchange), surface).withClient(ClientIdentity.of(exchange));
    }

    public ChatCommand toCommand(ChatRequest request, String requestId, Surface surface) {
        return ChatCommand.builder(requestId, surface, messages(request.messages()))
                .provider(blankToNull(request.provider()))
                .model(blankToNull(request.model()))
                .maxTokens(maxTokens(request.maxTokens()))
                .temperature(temperature(request.temperature()))
                .fallback(request.fallback() == null || request.fallback())
                .modelFallback(Boolean.TRUE.equals(request.modelFallback()))
                .build();
    }

    static List<ChatMessage> messages(@Nullable List<ChatRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw GatewayException.badRequest("messages_required", "'messages' must be a non-empty array.");
        }
        checkCount(messages.size());
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatRequest.Message m = messages.get(i);
            if (m == null) {
                throw GatewayException.badRequest("invalid_message", "messages[" + i + "] is null.");
            }
            out.add(message(i, m.role(), m.content()));
        }
        return out;
    }

    public static void checkCount(int count) {
        if (count > MAX_MESSAGES) {
            throw GatewayException.badRequest("too_many_messages",
                    "'messages' has " + count + " entries; at most " + MAX_MESSAGES + " are allowed.");
        }
    }

    public static ChatMessage message(int index, @Nullable String role, @Nullable String content) {
        if (role == null || !ROLES.contains(role)) {
            throw GatewayException.badRequest("invalid_role", "messages[" + index + "].role must be one of "
                    + "system, developer, user, assistant" + (role == null ? "." : "; got '" + JsonBodies.abbreviate(role) + "'."));
        }
        if (content == null || content.isBlank()) {
            throw GatewayException.badRequest("empty_message", "messages[" + index + "].content must be a non-empty string.");
        }
        return new ChatMessage("developer".equals(role) ? "system" : role, content);
    }

    public static @Nullable Integer maxTokens(@Nullable Integer maxTokens) {
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS)) {
            throw GatewayException.badRequest("invalid_max_tokens", "'max_tokens' must be between 1 and " + MAX_TOKENS + ".");
        }
        return maxTokens;
    }

    public static @Nullable Double temperature(@Nullable Double temperature) {
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw GatewayException.badRequest("invalid_temperature", "'temperature' must be between 0 and 2.");
        }
        return temperature;
    }

    static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
