package dev.switchboard.providers;

import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One normalized element of an upstream stream. Adapters emit {@link KeepAlive} for everything that
 * proves the connection is alive but is not content (SSE comments, pings, role-only chunks,
 * {@code message_start}), so the first content element is always real content: text, a tool call, a
 * refusal or reasoning. {@code choice} is the answer's index ({@code n} > 1 asks for several).
 */
public sealed interface ChatChunk {

    /** Text to append to the answer. */
    record Delta(int choice, String text) implements ChatChunk {

        public Delta(String text) {
            this(0, text);
        }
    }

    /**
     * A fragment of tool call {@code index}: its first fragment has the id and name, later ones only pieces
     * of the arguments' JSON text (which may split anywhere, even inside a string or escape).
     */
    record ToolCallDelta(int choice, int index, @Nullable String id, @Nullable String name, String arguments)
            implements ChatChunk {
    }

    /** The model's reasoning (thinking) text. */
    record ReasoningDelta(int choice, String text) implements ChatChunk {
    }

    /** The model's refusal text (OpenAI's {@code refusal}). */
    record RefusalDelta(int choice, String text) implements ChatChunk {
    }

    /** The model stopped; {@code reason} is OpenAI's vocabulary: stop, length, tool_calls, content_filter. */
    record Finish(int choice, String reason) implements ChatChunk {

        public Finish(String reason) {
            this(0, reason);
        }
    }

    /** Token usage as reported by the provider; a later report replaces an earlier one. */
    record UsageReport(Usage usage) implements ChatChunk {
    }

    /**
     * One upstream event as the provider sent it, for a client of the same wire format (emitted only when
     * the request is relayed), and, when the event means one thing, that meaning ({@link #relayed}). It is
     * content when its meaning is; without a meaning it is neither content nor a keep-alive and rides along
     * with the chunks it means, which follow it.
     *
     * <p>Why the meaning rides inside: every chunk passes some thirty operators between the upstream and the
     * client. A relayed content event as two chunks (its bytes, then its text) paid that twice
     * (docs/PERFORMANCE.md).
     *
     * @param event the SSE event name, empty when the event had none
     * @param data the event's data as the UTF-8 bytes it came in (shared: read, never change)
     * @param usageOnly an OpenAI chunk that only carries usage ({@code choices: []}), which a client that did
     *     not ask for usage must not get
     * @param meaning what the event means, when it means exactly one thing; null when it means nothing or
     *     several things (those then follow it as chunks of their own)
     */
    record Relay(String event, byte[] data, boolean usageOnly, @Nullable ChatChunk meaning) implements ChatChunk {

        public Relay(String event, byte[] data, boolean usageOnly) {
            this(event, data, usageOnly, null);
        }
    }

    /**
     * A relayed event and what it means, in order: the event alone carrying its meaning when it means exactly
     * one thing (the usual content chunk), else the event followed by its meanings. Keep-alives mean nothing.
     */
    static List<ChatChunk> relayed(Relay event, List<ChatChunk> meaning) {
        int meant = 0;
        ChatChunk only = null;
        for (ChatChunk chunk : meaning) {
            if (chunk != KeepAlive.INSTANCE) {
                meant++;
                only = chunk;
            }
        }
        if (meant == 0) {
            return List.of(event);
        }
        if (meant == 1) {
            return List.of(new Relay(event.event(), event.data(), event.usageOnly(), only));
        }
        List<ChatChunk> out = new ArrayList<>(meant + 1);
        out.add(event);
        for (ChatChunk chunk : meaning) {
            if (chunk != KeepAlive.INSTANCE) {
                out.add(chunk);
            }
        }
        return out;
    }

    /** Bytes arrived but no content: resets the idle timer, never commits the stream. */
    enum KeepAlive implements ChatChunk {
        INSTANCE
    }

    /** Whether this chunk is content that may commit a stream. */
    default boolean isContent() {
        return this instanceof Delta || this instanceof ToolCallDelta || this instanceof ReasoningDelta
                || this instanceof RefusalDelta || this instanceof Finish
                || this instanceof Relay relay && relay.meaning() != null && relay.meaning().isContent();
    }
}
