package dev.switchboard.routing;

import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ChatChunk;
import reactor.core.publisher.SynchronousSink;

/** Counts what one committed stream delivered: text length, finish reason, reported usage. */
final class StreamTally {

    private final StringBuilder text;
    private int chars;
    private String finishReason = "stop";
    private Usage reported;

    /** @param keepText also keep the whole text (for the request log) */
    StreamTally(boolean keepText) {
        this.text = keepText ? new StringBuilder() : null;
    }

    /** Forwards text to the client and keeps the rest. */
    void accept(ChatChunk chunk, SynchronousSink<StreamEvent> sink) {
        if (chunk instanceof ChatChunk.Delta delta) {
            if (!delta.text().isEmpty()) {
                chars += delta.text().length();
                if (text != null) {
                    text.append(delta.text());
                }
                sink.next(new StreamEvent.Text(delta.text()));
            }
        } else if (chunk instanceof ChatChunk.Finish finish) {
            finishReason = finish.reason();
        } else if (chunk instanceof ChatChunk.UsageReport report) {
            reported = report.usage();
        }
    }

    String text() {
        return text == null ? null : text.toString();
    }

    int chars() {
        return chars;
    }

    String finishReason() {
        return finishReason;
    }

    /** The provider's usage when it sent one, otherwise an estimate marked as such. */
    Usage usage(int promptChars) {
        return reported != null && !reported.estimated() ? reported : Usage.estimate(promptChars, chars);
    }
}
