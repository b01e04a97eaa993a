package dev.switchboard.api.openai;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Usage;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes OpenAI {@code chat.completion.chunk} JSON for one stream. The constant part of every chunk is
 * built once per stream; a chunk is that prefix, its choice and a fixed suffix.
 */
final class OpenAiChunks {

    private final JsonMapper json;
    private final String prefix;
    private final boolean includeUsage;

    OpenAiChunks(JsonMapper json, String id, long created, String model, boolean includeUsage) {
        this.json = json;
        this.includeUsage = includeUsage;
        this.prefix = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + json.writeValueAsString(model) + ",\"system_fingerprint\":null,\"choices\":";
    }

    String role(int choice) {
        return choice(choice, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null");
    }

    String content(int choice, String text) {
        return choice(choice, "{\"content\":" + json.writeValueAsString(text) + "}", "null");
    }

    String reasoning(int choice, String text) {
        return choice(choice, "{\"reasoning_content\":" + json.writeValueAsString(text) + "}", "null");
    }

    String refusal(int choice, String text) {
        return choice(choice, "{\"refusal\":" + json.writeValueAsString(text) + "}", "null");
    }

    /** A tool-call fragment: the first one of a call carries its id, type and name. */
    String toolCall(StreamEvent.ToolCallDelta call) {
        StringBuilder delta = new StringBuilder(96).append("{\"tool_calls\":[{\"index\":").append(call.index());
        if (call.id() != null) {
            delta.append(",\"id\":").append(json.writeValueAsString(call.id())).append(",\"type\":\"function\"");
        }
        delta.append(",\"function\":{");
        if (call.name() != null) {
            delta.append("\"name\":").append(json.writeValueAsString(call.name())).append(',');
        }
        delta.append("\"arguments\":").append(json.writeValueAsString(call.arguments())).append("}}]}");
        return choice(call.choice(), delta.toString(), "null");
    }

    String finish(int choice, String reason) {
        return choice(choice, "{}", "\"" + reason + "\"");
    }

    /** The extra last chunk with {@code choices: []} and the totals, sent only with include_usage. */
    String usage(ChatResult result) {
        return prefix + "[],\"usage\":" + OpenAiAnswer.usage(json, result.usage()) + "}";
    }

    boolean includeUsage() {
        return includeUsage;
    }

    private String choice(int index, String delta, String finishReason) {
        return prefix + "[{\"index\":" + index + ",\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + finishReason + "}]" + (includeUsage ? ",\"usage\":null}" : "}");
    }

    /** Whether usage has details worth writing (prompt cache or reasoning tokens). */
    static boolean detailed(Usage usage) {
        return usage.cachedTokens() > 0 || usage.reasoningTokens() > 0;
    }
}
