package dev.switchboard.api.anthropic;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.web.SseFrames;
import java.util.function.Consumer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one stream's events into Anthropic's event sequence. An Anthropic provider's events are relayed as
 * they came; otherwise the sequence is written from the canonical events: {@code message_start}, then a
 * content block per kind as the answer switches between them ({@code thinking} with
 * {@code thinking_delta}, {@code text} with {@code text_delta}, one {@code tool_use} per call with
 * {@code input_json_delta}), each closed by {@code content_block_stop}, then {@code message_delta} with the
 * stop reason and the usage, and {@code message_stop}. Relaying is decided by the first content event, as
 * for OpenAI streams.
 */
final class AnthropicStreamWriter {

    private enum Block { NONE, THINKING, TEXT, TOOL }

    private final JsonMapper json;
    private final DataBufferFactory buffers;
    private final String id;
    private @Nullable String model;
    private boolean relayedSeen;
    private @Nullable Boolean relaying;
    private boolean started;
    private Block open = Block.NONE;
    private int openTool = -1;
    private int index = -1;

    AnthropicStreamWriter(JsonMapper json, DataBufferFactory buffers, String id) {
        this.json = json;
        this.buffers = buffers;
        this.id = id;
    }

    void write(StreamEvent event, Consumer<DataBuffer> sink) {
        if (event instanceof StreamEvent.Committed c) {
            model = c.route().model();
        } else if (event instanceof StreamEvent.Relay relay) {
            relayedSeen = true;
            if (!Boolean.FALSE.equals(relaying)) {
                sink.accept(SseFrames.event(buffers, relay.event().isEmpty() ? "message" : relay.event(),
                        relay.data()));
            } else if (relay.meaning() != null) {
                content(relay.meaning(), sink);
            }
        } else if (event instanceof StreamEvent.Done done) {
            if (!relaying(sink)) {
                end(done.result(), sink);
            }
        } else if (!relaying(sink)) {
            content(event, sink);
        }
    }

    private boolean relaying(Consumer<DataBuffer> sink) {
        if (relaying == null) {
            relaying = relayedSeen;
            if (!relaying) {
                start(sink);
            }
        }
        return relaying;
    }

    private void start(Consumer<DataBuffer> sink) {
        if (started) {
            return;
        }
        started = true;
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("content", List.of());
        message.put("model", model);
        message.put("stop_reason", null);
        message.put("stop_sequence", null);
        message.put("usage", Map.of("input_tokens", 0, "output_tokens", 0));
        emit(sink, "message_start", Map.of("type", "message_start", "message", message));
    }

    private void content(StreamEvent event, Consumer<DataBuffer> sink) {
        if (event instanceof StreamEvent.Text text && text.choice() == 0) {
            open(Block.TEXT, -1, sink, Map.of("type", "text", "text", ""));
            delta(sink, Map.of("type", "text_delta", "text", text.delta()));
        } else if (event instanceof StreamEvent.Reasoning reasoning && reasoning.choice() == 0) {
            open(Block.THINKING, -1, sink, AnthropicMessage.thinkingBlock(""));
            delta(sink, Map.of("type", "thinking_delta", "thinking", reasoning.text()));
        } else if (event instanceof StreamEvent.ToolCallDelta call && call.choice() == 0) {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("type", "tool_use");
            block.put("id", call.id() == null ? "toolu_" + call.index() : call.id());
            block.put("name", call.name() == null ? "" : call.name());
            block.put("input", Map.of());
            open(Block.TOOL, call.index(), sink, block);
            if (!call.arguments().isEmpty()) {
                delta(sink, Map.of("type", "input_json_delta", "partial_json", call.arguments()));
            }
        } else if (event instanceof StreamEvent.Refusal refusal && refusal.choice() == 0) {
            open(Block.TEXT, -1, sink, Map.of("type", "text", "text", ""));
            delta(sink, Map.of("type", "text_delta", "text", refusal.text()));
        }
    }

    /** Opens a block of this kind unless it is the one open (a tool block per call). */
    private void open(Block kind, int tool, Consumer<DataBuffer> sink, Map<String, Object> block) {
        if (open == kind && (kind != Block.TOOL || openTool == tool)) {
            return;
        }
        close(sink);
        open = kind;
        openTool = tool;
        index++;
        emit(sink, "content_block_start", Map.of("type", "content_block_start", "index", index, "content_block", block));
    }

    private void close(Consumer<DataBuffer> sink) {
        if (open != Block.NONE) {
            emit(sink, "content_block_stop", Map.of("type", "content_block_stop", "index", index));
            open = Block.NONE;
        }
    }

    private void delta(Consumer<DataBuffer> sink, Map<String, Object> delta) {
        emit(sink, "content_block_delta", Map.of("type", "content_block_delta", "index", index, "delta", delta));
    }

    private void end(ChatResult result, Consumer<DataBuffer> sink) {
        if (index < 0) {
            open(Block.TEXT, -1, sink, Map.of("type", "text", "text", ""));
        }
        close(sink);
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("stop_reason", AnthropicMessage.stopReason(result.finishReason()));
        delta.put("stop_sequence", null);
        emit(sink, "message_delta", Map.of("type", "message_delta", "delta", delta, "usage",
                AnthropicMessage.usage(result.usage())));
        emit(sink, "message_stop", Map.of("type", "message_stop"));
    }

    private void emit(Consumer<DataBuffer> sink, String event, Map<String, Object> data) {
        sink.accept(SseFrames.event(buffers, event, json.writeValueAsBytes(data)));
    }
}
