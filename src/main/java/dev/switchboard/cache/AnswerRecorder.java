package dev.switchboard.cache;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Puts a streamed answer back together while it passes, so it can be stored once it has ended well: the
 * text, reasoning and refusal of each choice. A stream with tool calls is not kept (nor is one that did not
 * end with its result: broken or cancelled streams never reach {@link #answer}).
 */
public final class AnswerRecorder {

    private final List<StringBuilder> text = new ArrayList<>(1);
    private final List<StringBuilder> reasoning = new ArrayList<>(1);
    private final List<StringBuilder> refusal = new ArrayList<>(1);
    private final int maxChars;
    private int chars;
    private boolean unstorable;

    /** @param maxChars past this many characters the answer is too big to keep and is no longer collected */
    public AnswerRecorder(int maxChars) {
        this.maxChars = maxChars;
    }

    public void add(StreamEvent event) {
        if (unstorable) {
            return;
        }
        if (event instanceof StreamEvent.Relay relay) {
            if (relay.meaning() != null) {
                add(relay.meaning());
            }
        } else if (event instanceof StreamEvent.Text t) {
            append(text, t.choice(), t.delta());
        } else if (event instanceof StreamEvent.Reasoning r) {
            append(reasoning, r.choice(), r.text());
        } else if (event instanceof StreamEvent.Refusal r) {
            append(refusal, r.choice(), r.text());
        } else if (event instanceof StreamEvent.ToolCallDelta) {
            unstorable = true;
        }
    }

    /** The whole answer, once the stream ended with {@code done}; null when it cannot be stored. */
    public @Nullable CachedAnswer answer(StreamEvent.Done done, long nowMillis) {
        ChatResult result = done.result();
        if (unstorable) {
            return null;
        }
        List<Choice> choices = new ArrayList<>(result.choices().size());
        for (Choice c : result.choices()) {
            choices.add(new Choice(c.index(), part(text, c.index()), c.toolCalls(), blankToNull(part(reasoning, c.index())),
                    blankToNull(part(refusal, c.index())), c.finishReason()));
        }
        if (!CachedAnswer.storable(choices)) {
            return null;
        }
        return new CachedAnswer(result.route(), choices, result.usage(), nowMillis);
    }

    private void append(List<StringBuilder> parts, int choice, String piece) {
        if (choice < 0 || choice > 127) {
            unstorable = true;
            return;
        }
        chars += piece.length();
        if (chars > maxChars) {
            unstorable = true;
            text.clear();
            reasoning.clear();
            refusal.clear();
            return;
        }
        while (parts.size() <= choice) {
            parts.add(new StringBuilder());
        }
        parts.get(choice).append(piece);
    }

    private static String part(List<StringBuilder> parts, int choice) {
        return choice < parts.size() ? parts.get(choice).toString() : "";
    }

    private static @Nullable String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
