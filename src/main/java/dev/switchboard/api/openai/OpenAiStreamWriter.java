package dev.switchboard.api.openai;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.web.SseFrames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one stream's events into OpenAI SSE frames. When the provider speaks OpenAI's format its events are
 * relayed as they came (every field, unknown ones included; the usage-only chunk only to a client that asked
 * for usage); otherwise chunks are written from the canonical events: role, text, reasoning
 * ({@code reasoning_content}), refusals and tool-call fragments per choice, then the finish chunks, the usage
 * chunk when asked for, and {@code [DONE]}. Relaying is decided by the first content event: it is relayed
 * when a relayed event came before it (the adapter sends each event ahead of what it means).
 */
final class OpenAiStreamWriter {

    private static final byte[] NULL_USAGE = ",\"usage\":null}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE_DATA = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;
    private final DataBufferFactory buffers;
    private final String id;
    private final long created;
    private final boolean includeUsage;
    /** The model the stream committed to, for the chunks written from the canonical events. */
    private @Nullable String model;
    private @Nullable OpenAiChunks chunks;
    private final BitSet roleSent = new BitSet();
    private boolean relayedSeen;
    private @Nullable Boolean relaying;
    private boolean doneRelayed;

    OpenAiStreamWriter(JsonMapper json, DataBufferFactory buffers, String id, long created, boolean includeUsage) {
        this.json = json;
        this.buffers = buffers;
        this.id = id;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    void write(StreamEvent event, Consumer<DataBuffer> sink) {
        if (event instanceof StreamEvent.Committed c) {
            model = c.route().model();
        } else if (event instanceof StreamEvent.Relay relay) {
            relay(relay, sink);
        } else if (event instanceof StreamEvent.Done done) {
            done(done.result(), sink);
        } else if (!relaying()) {
            content(event, sink);
        }
    }

    /**
     * The provider's event as one frame of its bytes (or, once this stream is written from the canonical events,
     * what it means). A client that did not ask for usage gets each chunk without
     * the {@code "usage":null} OpenAI adds to every chunk when usage was asked for (the gateway asks for it, to
     * count usage): the chunk is cut before it and closed again.
     */
    private void relay(StreamEvent.Relay relay, Consumer<DataBuffer> sink) {
        relayedSeen = true;
        if (Boolean.FALSE.equals(relaying)) {
            if (relay.meaning() != null) {
                content(relay.meaning(), sink);
            }
            return;
        }
        if (relay.usageOnly() && !includeUsage) {
            return;
        }
        byte[] data = relay.data();
        doneRelayed |= startsWith(data, DONE_DATA);
        sink.accept(buffers.wrap(includeUsage || !endsWith(data, NULL_USAGE)
                ? SseFrames.dataFrame(data, data.length, false)
                : SseFrames.dataFrame(data, data.length - NULL_USAGE.length, true)));
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean endsWith(byte[] data, byte[] suffix) {
        return data.length >= suffix.length
                && Arrays.equals(data, data.length - suffix.length, data.length, suffix, 0, suffix.length);
    }

    /**
     * Whether this stream is written as the provider's events: decided by the first event that is not one of
     * them (a relayed stream may bring none, its events carrying what they mean).
     */
    private boolean relaying() {
        if (relaying == null) {
            relaying = relayedSeen;
        }
        return relaying;
    }

    private void content(StreamEvent event, Consumer<DataBuffer> sink) {
        if (event instanceof StreamEvent.Text text) {
            role(text.choice(), sink);
            sink.accept(SseFrames.data(buffers, chunks().content(text.choice(), text.delta())));
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            role(call.choice(), sink);
            sink.accept(SseFrames.data(buffers, chunks().toolCall(call)));
        } else if (event instanceof StreamEvent.Reasoning reasoning) {
            role(reasoning.choice(), sink);
            sink.accept(SseFrames.data(buffers, chunks().reasoning(reasoning.choice(), reasoning.text())));
        } else if (event instanceof StreamEvent.Refusal refusal) {
            role(refusal.choice(), sink);
            sink.accept(SseFrames.data(buffers, chunks().refusal(refusal.choice(), refusal.text())));
        }
    }

    /** The role chunk a choice starts with, as OpenAI sends it. */
    private void role(int choice, Consumer<DataBuffer> sink) {
        if (!roleSent.get(choice)) {
            roleSent.set(choice);
            sink.accept(SseFrames.data(buffers, chunks().role(choice)));
        }
    }

    /**
     * The writer of chunks from the canonical events, made when the first is written: a relayed stream never
     * needs one, and making it (its JSON prefix, through the mapper) was about a tenth of a relayed stream's
     * commit on the event loop (docs/PERFORMANCE.md).
     */
    private OpenAiChunks chunks() {
        if (chunks == null) {
            chunks = new OpenAiChunks(json, id, created,
                    Objects.requireNonNull(model, "a chunk written before the stream committed"), includeUsage);
        }
        return chunks;
    }

    private void done(ChatResult result, Consumer<DataBuffer> sink) {
        if (relaying()) {
            if (!doneRelayed) {
                sink.accept(buffers.wrap(DONE));
            }
            return;
        }
        StringBuilder tail = new StringBuilder(256);
        for (var choice : result.choices()) {
            if (!roleSent.get(choice.index())) {
                tail.append("data: ").append(chunks().role(choice.index())).append("\n\n");
            }
            tail.append("data: ").append(chunks().finish(choice.index(), choice.finishReason())).append("\n\n");
        }
        if (includeUsage) {
            tail.append("data: ").append(chunks().usage(result)).append("\n\n");
        }
        tail.append("data: [DONE]\n\n");
        sink.accept(buffers.wrap(tail.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
