package dev.switchboard.api.anthropic;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A finished request as an Anthropic {@code message}, built from the canonical answer (for answers of
 * providers of other wire formats; an Anthropic provider's own message is relayed as it came).
 */
final class AnthropicMessage {

    private AnthropicMessage() {
    }

    /**
     * A thinking block of a provider that does not sign its reasoning: Anthropic's clients require a
     * {@code signature}, so it is empty; an empty signature is what marks the block as the gateway's when the
     * conversation comes back ({@code AnthropicRequests} drops such blocks before relaying to Anthropic).
     */
    static Map<String, Object> thinkingBlock(String thinking) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "thinking");
        block.put("thinking", thinking);
        block.put("signature", "");
        return block;
    }

    static Map<String, Object> of(JsonMapper json, ChatResult result) {
        Choice choice = result.choices().get(0);
        List<Map<String, Object>> content = new ArrayList<>();
        if (choice.reasoning() != null) {
            content.add(thinkingBlock(choice.reasoning()));
        }
        if (!choice.content().isEmpty() || choice.toolCalls().isEmpty()) {
            content.add(block("text", "text", choice.content()));
        }
        for (ToolCall call : choice.toolCalls()) {
            Map<String, Object> use = new LinkedHashMap<>();
            use.put("type", "tool_use");
            use.put("id", call.id());
            use.put("name", call.name());
            use.put("input", input(json, call.arguments()));
            content.add(use);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "msg_" + result.id());
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", result.route().model());
        out.put("content", content);
        out.put("stop_reason", stopReason(choice.finishReason()));
        out.put("stop_sequence", null);
        out.put("usage", usage(result.usage()));
        return out;
    }

    /** OpenAI's finish reasons in Anthropic's vocabulary. */
    static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic counts cache reads and writes apart from {@code input_tokens}. */
    static Map<String, Object> usage(Usage usage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("input_tokens", Math.max(0, usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens()));
        out.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        out.put("cache_read_input_tokens", usage.cachedTokens());
        out.put("output_tokens", usage.completionTokens());
        return out;
    }

    static Object input(JsonMapper json, String arguments) {
        try {
            JsonNode node = json.readTree(arguments.isBlank() ? "{}" : arguments);
            return node.isObject() ? node : Map.of("value", node);
        } catch (JacksonException notJson) {
            return Map.of("value", arguments);
        }
    }

    private static Map<String, Object> block(String type, String field, String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        out.put(field, text);
        return out;
    }
}
