package dev.switchboard.simulator;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One call the simulator is answering, already parsed from the wire.
 *
 * @param cachedTokens prompt tokens read from the key's prefix cache ({@link PrefixCache})
 * @param reasoning reasoning tokens, streamed before the answer; empty unless reasoning was asked for
 * @param tokens the answer: text tokens (at most {@code max_tokens}), or the pieces of a tool call's
 *     arguments
 * @param toolCall the tool call the answer is, or null for a text answer
 * @param finishReason {@code stop}, {@code length} when {@code max_tokens} cut the answer short, or
 *     {@code tool_calls}
 */
record SimulatedCall(
        String id,
        String key,
        String model,
        boolean stream,
        boolean includeUsage,
        int promptTokens,
        int cachedTokens,
        List<String> reasoning,
        List<String> tokens,
        @Nullable ToolCall toolCall,
        String finishReason,
        long created) {

    /** A call of {@code name}; {@code number} makes its id ({@code call_sim1}, {@code toolu_sim1}). */
    record ToolCall(long number, String name, String arguments) {
    }

    /** Reasoning and answer tokens. */
    int completionTokens() {
        return reasoning.size() + tokens.size();
    }

    String text() {
        return String.join("", tokens);
    }

    String reasoningText() {
        return String.join("", reasoning);
    }
}
