package dev.switchboard.api.openai;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A finished request as OpenAI's {@code chat.completion}, built from the canonical answer (for answers of
 * providers of other wire formats; an OpenAI-format provider's own answer is relayed as it came).
 */
final class OpenAiAnswer {

    private OpenAiAnswer() {
    }

    static Map<String, Object> of(ChatResult result, long created) {
        List<Map<String, Object>> choices = new ArrayList<>(result.choices().size());
        for (Choice choice : result.choices()) {
            choices.add(choice(choice));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "chatcmpl-" + result.id());
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", result.route().model());
        out.put("choices", choices);
        out.put("usage", usage(result.usage()));
        out.put("system_fingerprint", null);
        return out;
    }

    private static Map<String, Object> choice(Choice choice) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", choice.content().isEmpty() && !choice.toolCalls().isEmpty() ? null : choice.content());
        message.put("refusal", choice.refusal());
        if (!choice.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>(choice.toolCalls().size());
            for (ToolCall call : choice.toolCalls()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", call.id());
                c.put("type", "function");
                c.put("function", Map.of("name", call.name(), "arguments", call.arguments()));
                calls.add(c);
            }
            message.put("tool_calls", calls);
        }
        if (choice.reasoning() != null) {
            message.put("reasoning_content", choice.reasoning());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("index", choice.index());
        out.put("message", message);
        out.put("logprobs", null);
        out.put("finish_reason", choice.finishReason());
        return out;
    }

    static Map<String, Object> usage(Usage usage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prompt_tokens", usage.promptTokens());
        out.put("completion_tokens", usage.completionTokens());
        out.put("total_tokens", usage.totalTokens());
        if (OpenAiChunks.detailed(usage)) {
            out.put("prompt_tokens_details", Map.of("cached_tokens", usage.cachedTokens()));
            out.put("completion_tokens_details", Map.of("reasoning_tokens", usage.reasoningTokens()));
        }
        return out;
    }

    static String usage(JsonMapper json, Usage usage) {
        return json.writeValueAsString(usage(usage));
    }
}
