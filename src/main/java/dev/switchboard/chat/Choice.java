package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One answer of a request ({@code n} > 1 asks for several).
 *
 * @param finishReason in OpenAI's vocabulary: stop, length, tool_calls, content_filter
 * @param reasoning the model's reasoning text, when the provider returned it
 * @param refusal the model's refusal text (OpenAI), when it refused
 */
public record Choice(int index, String content, List<ToolCall> toolCalls, @Nullable String reasoning,
        @Nullable String refusal, String finishReason) {

    public Choice {
        toolCalls = List.copyOf(toolCalls);
    }

    /** A text answer. */
    public static Choice text(String content, String finishReason) {
        return new Choice(0, content, List.of(), null, null, finishReason);
    }
}
