package dev.switchboard.providers;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.Usage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A whole (non-streamed) upstream answer.
 *
 * @param choices the answers, choice 0 first
 * @param raw the provider's body as it sent it, kept only when the request is relayed to a client of the
 *     same wire format
 */
public record Completion(List<Choice> choices, Usage usage, byte @Nullable [] raw) {

    public Completion {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("an answer has at least one choice");
        }
        choices = List.copyOf(choices);
    }

    /** A one-choice text answer. */
    public Completion(String content, String finishReason, Usage usage) {
        this(List.of(Choice.text(content, finishReason)), usage, null);
    }

    /** Choice 0's text. */
    public String content() {
        return choices.get(0).content();
    }

    /** Choice 0's finish reason. */
    public String finishReason() {
        return choices.get(0).finishReason();
    }

    /** All text of all choices, for estimating usage when the provider reported none. */
    public int chars() {
        int n = 0;
        for (Choice choice : choices) {
            n += choice.content().length();
            for (var call : choice.toolCalls()) {
                n += call.arguments().length();
            }
        }
        return n;
    }
}
