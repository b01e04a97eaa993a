package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param parts the content: text and images (an assistant message that only calls tools has none)
 * @param toolCalls an assistant message's function calls
 * @param toolCallId a {@code tool} message: the call it answers
 * @param name a {@code tool} message: the function's name, when known; otherwise the speaker's name
 */
public record ChatMessage(String role, List<ContentPart> parts, List<ToolCall> toolCalls, @Nullable String toolCallId,
        @Nullable String name) {

    public ChatMessage {
        parts = List.copyOf(parts);
        toolCalls = List.copyOf(toolCalls);
    }

    /** A text message. */
    public ChatMessage(String role, String content) {
        this(role, List.of(new ContentPart.Text(content)), List.of(), null, null);
    }

    /** An assistant turn that calls tools (and may say something too). */
    public static ChatMessage toolCalls(String text, List<ToolCall> calls) {
        return new ChatMessage("assistant", text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), calls,
                null, null);
    }

    /** A {@code tool} message: the result of the call {@code toolCallId}. */
    public static ChatMessage toolResult(String toolCallId, @Nullable String name, String result) {
        return new ChatMessage("tool", List.of(new ContentPart.Text(result)), List.of(), toolCallId, name);
    }

    /** The text of all text parts, joined. */
    public String content() {
        if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text text) {
            return text.text();
        }
        StringBuilder out = new StringBuilder();
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text text) {
                out.append(text.text());
            }
        }
        return out.toString();
    }

    /** Images among the parts. */
    public int images() {
        int n = 0;
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Image) {
                n++;
            }
        }
        return n;
    }
}
