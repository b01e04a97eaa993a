package dev.switchboard.api;

import static dev.switchboard.api.OpenAiVocabulary.invalidType;
import static dev.switchboard.api.OpenAiVocabulary.optionalText;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ContentPart;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.web.JsonBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads OpenAI Chat Completions' {@code messages} into the canonical model: roles ({@code developer} is a
 * {@code system} message), text and image parts, an assistant's tool calls and a tool's result. Every problem
 * is a 400 naming the message and field ({@code messages[2].content}).
 */
public final class OpenAiMessages {

    static final int MAX_MESSAGES = 512;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private OpenAiMessages() {
    }

    /** {@code messages}: a non-empty array of at most {@value #MAX_MESSAGES} messages. */
    public static List<ChatMessage> messages(JsonNode messages) {
        if (messages.isMissingNode() || messages.isNull() || messages.isArray() && messages.isEmpty()) {
            throw GatewayException.badRequest("messages_required", "'messages' must be a non-empty array.");
        }
        if (!messages.isArray()) {
            throw invalidType("'messages'", "an array");
        }
        checkCount(messages.size());
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(i, messages.get(i)));
        }
        return out;
    }

    /** A 400 when a request of any surface has more than {@value #MAX_MESSAGES} messages. */
    public static void checkCount(int count) {
        if (count > MAX_MESSAGES) {
            throw GatewayException.badRequest("too_many_messages",
                    "'messages' has " + count + " entries; at most " + MAX_MESSAGES + " are allowed.");
        }
    }

    private static ChatMessage message(int index, JsonNode m) {
        String at = "messages[" + index + "]";
        if (m == null || m.isNull()) {
            throw GatewayException.badRequest("invalid_message", at + " is null.");
        }
        if (!m.isObject()) {
            throw invalidType("'" + at + "'", "an object");
        }
        String role = optionalText(m, "role", at);
        if (role == null || !ROLES.contains(role)) {
            throw GatewayException.badRequest("invalid_role", at + ".role must be one of system, developer, user, "
                    + "assistant, tool" + (role == null ? "." : "; got '" + JsonBodies.abbreviate(role) + "'."));
        }
        String name = optionalText(m, "name", at);
        return switch (role) {
            case "tool" -> toolResult(at, m, name);
            case "assistant" -> assistant(at, m, name);
            default -> new ChatMessage("developer".equals(role) ? "system" : role, required(at, parts(at, m.path("content"))),
                    List.of(), null, name);
        };
    }

    private static ChatMessage assistant(String at, JsonNode m, @Nullable String name) {
        List<ContentPart> parts = parts(at, m.path("content"));
        List<ToolCall> calls = toolCalls(at, m.path("tool_calls"));
        if (calls.isEmpty()) {
            required(at, parts);
        }
        return new ChatMessage("assistant", parts, calls, null, name);
    }

    private static ChatMessage toolResult(String at, JsonNode m, @Nullable String name) {
        String callId = optionalText(m, "tool_call_id", at);
        if (callId == null || callId.isBlank()) {
            throw GatewayException.badRequest("invalid_message", at + ".tool_call_id is required for a tool message.");
        }
        List<ContentPart> parts = parts(at, m.path("content"));
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Image) {
                throw GatewayException.badRequest("unsupported_content", at + ".content: a tool message takes text only.");
            }
        }
        return new ChatMessage("tool", parts, List.of(), callId, name);
    }

    /** A string, or an array of {@code text} and {@code image_url} parts; null or missing is no content. */
    private static List<ContentPart> parts(String at, JsonNode content) {
        if (content.isMissingNode() || content.isNull()) {
            return List.of();
        }
        if (content.isString()) {
            return content.stringValue().isEmpty() ? List.of() : List.of(new ContentPart.Text(content.stringValue()));
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("invalid_content", at + ".content must be a string or an array of parts.");
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            parts.add(part(at + ".content[" + i + "]", content.get(i)));
        }
        return parts;
    }

    private static ContentPart part(String at, JsonNode part) {
        String type = part.path("type").asString("");
        if ("text".equals(type) && part.path("text").isString()) {
            return new ContentPart.Text(part.path("text").stringValue());
        }
        if ("image_url".equals(type)) {
            JsonNode image = part.path("image_url");
            String url = image.isString() ? image.stringValue() : image.path("url").asString("");
            if (!url.regionMatches(true, 0, "data:image/", 0, 11) && !url.regionMatches(true, 0, "https://", 0, 8)
                    && !url.regionMatches(true, 0, "http://", 0, 7)) {
                throw GatewayException.badRequest("unsupported_content", at + ".image_url.url must be a data:image/... URL "
                        + "or an http(s) URL.");
            }
            JsonNode detail = image.path("detail");
            return new ContentPart.Image(url, detail.isString() ? detail.stringValue() : null);
        }
        throw GatewayException.badRequest("unsupported_content", at + ": parts of type '" + JsonBodies.abbreviate(type)
                + "' are not supported; use 'text' or 'image_url'.");
    }

    private static List<ContentPart> required(String at, List<ContentPart> parts) {
        boolean blank = true;
        for (ContentPart part : parts) {
            blank &= part instanceof ContentPart.Text text && text.text().isBlank();
        }
        if (blank) {
            throw GatewayException.badRequest("empty_message", at + ".content must be a non-empty string.");
        }
        return parts;
    }

    private static List<ToolCall> toolCalls(String at, JsonNode calls) {
        if (calls.isMissingNode() || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw invalidType("'" + at + ".tool_calls'", "an array");
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            String callAt = at + ".tool_calls[" + i + "]";
            JsonNode call = calls.get(i);
            JsonNode function = call.path("function");
            String id = optionalText(call, "id", callAt);
            String name = optionalText(function, "name", callAt + ".function");
            if (id == null || name == null) {
                throw GatewayException.badRequest("invalid_message", callAt + " needs an id and function.name.");
            }
            JsonNode arguments = function.path("arguments");
            out.add(new ToolCall(id, name, arguments.isString() ? arguments.stringValue()
                    : arguments.isMissingNode() || arguments.isNull() ? "{}" : arguments.toString()));
        }
        return out;
    }
}
