package dev.switchboard.api.openai;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Usage;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes OpenAI {@code chat.completion.chunk} JSON for one stream. The constant part of every chunk is
 * built once per stream; a content chunk is that prefix, the escaped text and a fixed suffix.
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

    String role() {
        return choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null");
    }

    String content(String text) {
        return choice("{\"content\":" + json.writeValueAsString(text) + "}", "null");
    }

    String finish(String reason) {
        return choice("{}", "\"" + reason + "\"");
    }

    /** The extra last chunk with {@code choices: []} and the totals, sent only with include_usage. */
    String usage(ChatResult result) {
        Usage u = result.usage();
        return prefix + "[],\"usage\":{\"prompt_tokens\":" + u.promptTokens() + ",\"completion_tokens\":"
                + u.completionTokens() + ",\"total_tokens\":" + u.totalTokens() + "}}";
    }

    boolean includeUsage() {
        return includeUsage;
    }

    private String choice(String delta, String finishReason) {
        return prefix + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason
                + "}]" + (includeUsage ? ",\"usage\":null}" : "}");
    }
}
