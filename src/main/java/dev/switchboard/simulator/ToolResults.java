package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The tool result a conversation ends with, if it ends with one: the tool's name (looked up from the
 * assistant's earlier call where the result carries only the call's id; the id itself when no call
 * matches) and the result as text.
 */
final class ToolResults {

    /** At most this many characters of a result are echoed. */
    static final int MAX_TEXT = 200;

    /** A tool's name and what it returned (cut to {@value #MAX_TEXT} characters). */
    record ToolResult(String name, String text) {

        ToolResult {
            if (text.length() > MAX_TEXT) {
                int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
                text = text.substring(0, end);
            }
        }
    }

    private ToolResults() {
    }

    /** A last message {@code {"role":"tool","tool_call_id":..,"content": string | [text parts]}}. */
    static @Nullable ToolResult openAi(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        if (!"tool".equals(string(last.path("role")))) {
            return null;
        }
        String id = string(last.path("tool_call_id"));
        String name = id;
        for (JsonNode message : messages) {
            for (JsonNode call : message.path("tool_calls")) {
                if (id.equals(string(call.path("id")))) {
                    name = string(call.path("function").path("name"));
                }
            }
        }
        return new ToolResult(name, MessageTexts.text(last.path("content")));
    }

    /**
     * A last user message holding a {@code {"type":"tool_result","tool_use_id":..,"content": string |
     * [text blocks]}} block (the first, when it holds several).
     */
    static @Nullable ToolResult anthropic(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        if (!"user".equals(string(last.path("role")))) {
            return null;
        }
        for (JsonNode block : last.path("content")) {
            if ("tool_result".equals(string(block.path("type")))) {
                String id = string(block.path("tool_use_id"));
                return new ToolResult(toolUseName(messages, id), MessageTexts.text(block.path("content")));
            }
        }
        return null;
    }

    /** A last content holding a {@code {"functionResponse":{"name":..,"response":{...}}}} part; the text is the response's compact JSON. */
    static @Nullable ToolResult gemini(JsonNode body) {
        JsonNode contents = body.path("contents");
        for (JsonNode part : contents.path(contents.size() - 1).path("parts")) {
            JsonNode response = part.path("functionResponse");
            if (response.isObject()) {
                return new ToolResult(string(response.path("name")), response.path("response").toString());
            }
        }
        return null;
    }

    private static String toolUseName(JsonNode messages, String id) {
        for (JsonNode message : messages) {
            for (JsonNode block : message.path("content")) {
                if ("tool_use".equals(string(block.path("type"))) && id.equals(string(block.path("id")))) {
                    return string(block.path("name"));
                }
            }
        }
        return id;
    }
}
