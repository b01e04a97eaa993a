package dev.switchboard.api.openai;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.web.SseFrames;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.SynchronousSink;
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

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;
    private final DataBufferFactory buffers;
    private final String id;
    private final long created;
    private final boolean includeUsage;
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

    void write(StreamEvent event, SynchronousSink<DataBuffer> sink) {
        if (event instanceof StreamEvent.Committed c) {
            chunks = new OpenAiChunks(json, id, created, c.route().model(), includeUsage);
        } else if (event instanceof StreamEvent.Relay relay) {
            relay(relay, sink);
        } else if (event instanceof StreamEvent.Done done) {
            done(done.result(), sink);
        } else if (!relaying(event)) {
            content(event, sink);
        }
    }

    private void relay(StreamEvent.Relay relay, SynchronousSink<DataBuffer> sink) {
        relayedSeen = true;
        if (Boolean.FALSE.equals(relaying) || relay.usageOnly() && !includeUsage) {
            return;
        }
        doneRelayed |= relay.data().startsWith("[DONE]");
        sink.next(SseFrames.data(buffers, relay.data()));
    }

    private boolean relaying(StreamEvent event) {
        if (relaying == null) {
            relaying = relayedSeen;
        }
        return relaying;
    }

    private void content(StreamEvent event, SynchronousSink<DataBuffer> sink) {
        if (event instanceof StreamEvent.Text text) {
            role(text.choice(), sink);
            sink.next(SseFrames.data(buffers, chunks.content(text.choice(), text.delta())));
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            role(call.choice(), sink);
            sink.next(SseFrames.data(buffers, chunks.toolCall(call)));
        } else if (event instanceof StreamEvent.Reasoning reasoning) {
            role(reasoning.choice(), sink);
            sink.next(SseFrames.data(buffers, chunks.reasoning(reasoning.choice(), reasoning.text())));
        } else if (event instanceof StreamEvent.Refusal refusal) {
            role(refusal.choice(), sink);
            sink.next(SseFrames.data(buffers, chunks.refusal(refusal.choice(), refusal.text())));
        }
    }

    /** The role chunk a choice starts with, as OpenAI sends it. */
    private void role(int choice, SynchronousSink<DataBuffer> sink) {
        if (!roleSent.get(choice)) {
            roleSent.set(choice);
            sink.next(SseFrames.data(buffers, chunks.role(choice)));
        }
    }

    private void done(ChatResult result, SynchronousSink<DataBuffer> sink) {
        if (Boolean.TRUE.equals(relaying)) {
            if (!doneRelayed) {
                sink.next(buffers.wrap(DONE));
            }
            return;
        }
        StringBuilder tail = new StringBuilder(256);
        for (var choice : result.choices()) {
            if (!roleSent.get(choice.index())) {
                tail.append("data: ").append(chunks.role(choice.index())).append("\n\n");
            }
            tail.append("data: ").append(chunks.finish(choice.index(), choice.finishReason())).append("\n\n");
        }
        if (includeUsage) {
            tail.append("data: ").append(chunks.usage(result)).append("\n\n");
        }
        tail.append("data: [DONE]\n\n");
        sink.next(buffers.wrap(tail.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
