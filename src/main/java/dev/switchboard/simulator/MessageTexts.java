package dev.switchboard.simulator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Text out of a conversation. OpenAI and Anthropic send a {@code messages} array: each message has a
 * {@code role} and a {@code content} that is a string or an array of blocks, some with {@code text}
 * (others are images, tool calls or tool results and add no text). Gemini sends {@code contents}, each
 * with a {@code role} and {@code parts}.
 */
final class MessageTexts {

    private MessageTexts() {
    }

    /** Every message's text, one per line. */
    static String all(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            text.append(text(message.path("content"))).append('\n');
        }
        return text.toString();
    }

    /** The text of the last {@link #lastUserMessage user message}, or empty. */
    static String lastUser(JsonNode messages) {
        return text(lastUserMessage(messages).path("content"));
    }

    /**
     * The last {@code user} message that is not only tool results (Anthropic sends tool results as user
     * messages), or a missing node.
     */
    static JsonNode lastUserMessage(JsonNode messages) {
        JsonNode last = MissingNode.getInstance();
        for (JsonNode message : messages) {
            if ("user".equals(string(message.path("role"))) && !onlyToolResults(message.path("content"))) {
                last = message;
            }
        }
        return last;
    }

    /** A string, or an array of blocks whose {@code text} fields are joined. */
    static String text(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode block : content) {
            out.append(string(block.path("text")));
        }
        return out.toString();
    }

    /** A Gemini content's text parts, joined. */
    static String parts(JsonNode content) {
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content.path("parts")) {
            out.append(string(part.path("text")));
        }
        return out.toString();
    }

    /**
     * The last Gemini content with role {@code user} (the default role) that is not only function
     * responses, or a missing node.
     */
    static JsonNode lastUserContent(JsonNode contents) {
        JsonNode last = MissingNode.getInstance();
        for (JsonNode content : contents) {
            String role = content.path("role").isString() ? content.path("role").stringValue() : "user";
            if ("user".equals(role) && !onlyFunctionResponses(content.path("parts"))) {
                last = content;
            }
        }
        return last;
    }

    /** The node's string value, or empty when it is not a string. */
    static String string(JsonNode node) {
        return node.isString() ? node.stringValue() : "";
    }

    private static boolean onlyToolResults(JsonNode content) {
        if (!content.isArray() || content.isEmpty()) {
            return false;
        }
        for (JsonNode block : content) {
            if (!"tool_result".equals(string(block.path("type")))) {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyFunctionResponses(JsonNode parts) {
        if (!parts.isArray() || parts.isEmpty()) {
            return false;
        }
        for (JsonNode part : parts) {
            if (!part.has("functionResponse")) {
                return false;
            }
        }
        return true;
    }
}
