package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.Surface;
import dev.switchboard.providers.SecretScrubber;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.RequestIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates request bodies into {@link ChatCommand}s; every problem becomes a 400 that says
 * which field is wrong. Bodies are parsed here (not by a codec) so that any content type is accepted and
 * malformed JSON gets our error shape.
 */
@Component
public class ChatCommands {

    static final int MAX_MESSAGES = 512;
    static final int MAX_TOKENS = 1_000_000;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private final JsonMapper json;

    public ChatCommands(JsonMapper json) {
        this.json = json;
    }

    /** Parses JSON into a wire record, mapping parse errors to 400s. */
    public <T> T parse(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("missing_body", "The request body is empty; send a JSON object.");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw GatewayException.badRequest("invalid_json", "The request body must be a JSON object.");
            }
            return value;
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw GatewayException.badRequest("invalid_type", (field.isEmpty() ? "The body" : field)
                    + " must be " + expected(e.getTargetType()) + ".");
        } catch (DatabindException e) {
            String field = path(e);
            throw GatewayException.badRequest("invalid_type", "Invalid value"
                    + (field.isEmpty() ? "" : " for " + field) + ": " + firstLine(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw GatewayException.badRequest("invalid_json", "The request body is not valid JSON: "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    /** The command of an HTTP request: its request id and client come from the exchange. */
    public ChatCommand toCommand(ChatRequest request, org.springframework.web.server.ServerWebExchange exchange,
            Surface surface) {
        return toCommand(request, RequestIds.of(exchange), surface).withClient(ClientIdentity.of(exchange));
    }

    public ChatCommand toCommand(ChatRequest request, String requestId, Surface surface) {
        return new ChatCommand(requestId, surface, messages(request.messages()), blankToNull(request.provider()),
                blankToNull(request.model()), maxTokens(request.maxTokens()), temperature(request.temperature()),
                request.fallback() == null || request.fallback(), null, Boolean.TRUE.equals(request.modelFallback()));
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
                    + "system, developer, user, assistant" + (role == null ? "." : "; got '" + abbreviate(role) + "'."));
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

    private static String path(DatabindException e) {
        String path = e.getPathReference();
        if (path == null || path.isEmpty()) {
            return "";
        }
        StringBuilder fields = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                fields.append(fields.length() == 0 ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                fields.append('[').append(ref.getIndex()).append(']');
            }
        }
        return fields.length() == 0 ? "" : "'" + fields + "'";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = SecretScrubber.scrubKeyShaped(message.lines().findFirst().orElse(message));
        return abbreviate(line.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.([A-Za-z$]+)`", "$1"));
    }

    public static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
