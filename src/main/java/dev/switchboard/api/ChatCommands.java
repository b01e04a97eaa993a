package dev.switchboard.api;

import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.Surface;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.RequestIds;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns native chat requests ({@code /api/chat}, {@code /api/chat/stream}, a WebSocket message) into
 * {@link ChatCommand}s: the OpenAI vocabulary ({@link OpenAiVocabulary}: messages with text and image
 * parts, tool calls and results, tools, tool choice, response format, generation parameters) plus the
 * gateway's own {@code provider}, {@code preferred_provider} (Path A: tried first), {@code fallback} and
 * {@code model_fallback}. Every problem becomes a 400
 * that says which field is wrong. Bodies are read by {@link JsonBodies} (not by a codec), so any content
 * type is accepted and malformed JSON gets the gateway's error shape.
 */
@Component
public class ChatCommands {

    /** Which conversation a request belongs to, for prompt-cache affinity (README, "Prompt-cache affinity"). */
    public static final String AFFINITY_HEADER = "x-switchboard-affinity";

    private final JsonBodies bodies;

    public ChatCommands(JsonBodies bodies) {
        this.bodies = bodies;
    }

    /** Reads the body of a native chat request: a JSON object. */
    public ObjectNode request(byte[] body) {
        return bodies.parse(body, ObjectNode.class);
    }

    /** The command of an HTTP request body: its request id and client come from the exchange. */
    public ChatCommand read(byte[] body, ServerWebExchange exchange, Surface surface) {
        JsonNode request = request(body);
        ChatCommand command = toCommand(request, RequestIds.of(exchange), surface);
        return command.toBuilder()
                .client(ClientIdentity.of(exchange))
                .cache(cacheDirective(exchange, OpenAiVocabulary.bool(request, "cache")))
                .affinityKey(affinityKey(exchange, command.hints().affinityKey()))
                .build();
    }

    /** The request's {@code x-switchboard-affinity} header, else what the body named ({@code prompt_cache_key}). */
    public static @Nullable String affinityKey(ServerWebExchange exchange, @Nullable String fromBody) {
        String header = exchange.getRequest().getHeaders().getFirst(AFFINITY_HEADER);
        return header != null && !header.isBlank() ? header.trim() : fromBody;
    }

    /** {@code Cache-Control} of the request, unless the body turned the cache off with {@code "cache": false}. */
    public static CacheDirective cacheDirective(ServerWebExchange exchange, @Nullable Boolean bodyCache) {
        return CacheDirective.fromCacheControl(exchange.getRequest().getHeaders().getFirst(HttpHeaders.CACHE_CONTROL))
                .orOff(bodyCache);
    }

    public ChatCommand toCommand(JsonNode body, String requestId, Surface surface) {
        return ChatCommand.builder(requestId, surface, OpenAiMessages.messages(body.path("messages")))
                .provider(blankToNull(OpenAiVocabulary.optionalText(body, "provider", "")))
                .model(blankToNull(OpenAiVocabulary.optionalText(body, "model", "")))
                .maxTokens(OpenAiVocabulary.maxTokens(body))
                .temperature(OpenAiVocabulary.temperature(body))
                .fallback(!Boolean.FALSE.equals(OpenAiVocabulary.bool(body, "fallback")))
                .preferredProvider(blankToNull(OpenAiVocabulary.optionalText(body, "preferred_provider", "")))
                .hedge(OpenAiVocabulary.bool(body, "hedge"))
                .modelFallback(Boolean.TRUE.equals(OpenAiVocabulary.bool(body, "model_fallback")))
                .tools(OpenAiVocabulary.tools(body.path("tools")))
                .toolChoice(OpenAiVocabulary.toolChoice(body.path("tool_choice")))
                .responseFormat(OpenAiVocabulary.responseFormat(body.path("response_format")))
                .options(OpenAiVocabulary.options(body))
                .cache(CacheDirective.DEFAULT.orOff(OpenAiVocabulary.bool(body, "cache")))
                .build();
    }

    static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
