package dev.switchboard.providers;

import dev.switchboard.chat.Usage;

/**
 * One normalized element of an upstream stream. Adapters emit {@link KeepAlive} for everything that
 * proves the connection is alive but is not content (SSE comments, pings, role-only chunks,
 * {@code message_start}), so the first element that is not a keep-alive is always real content.
 */
public sealed interface ChatChunk {

    /** Text to append to the answer. */
    record Delta(String text) implements ChatChunk {
    }

    /** The model stopped; {@code reason} is OpenAI's vocabulary: stop, length, content_filter, ... */
    record Finish(String reason) implements ChatChunk {
    }

    /** Token usage as reported by the provider; a later report replaces an earlier one. */
    record UsageReport(Usage usage) implements ChatChunk {
    }

    /** Bytes arrived but no content: resets the idle timer, never commits the stream. */
    enum KeepAlive implements ChatChunk {
        INSTANCE
    }

    default boolean isContent() {
        return this instanceof Delta || this instanceof Finish;
    }
}
