package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.ChatService;
import dev.switchboard.web.SseFrames;
import dev.switchboard.web.SseResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/chat/stream}: {@code event: chunk} frames ({@code {"delta":"..."}}; {@code event: tool_call}
 * with {@code index}, {@code call_id}, {@code name}, {@code arguments} fragments when the model calls a tool,
 * {@code event: reasoning} with its reasoning), then {@code event: done} with the metadata, or {@code event: error} if the upstream broke mid-stream. A
 * failure before the first chunk is a plain JSON error answer (nothing was committed).
 */
@Component
public class ChatStreamHandler {

    private final ChatService chat;
    private final ChatCommands commands;
    private final JsonMapper json;
    private final ErrorAnswers errors;

    public ChatStreamHandler(ChatService chat, ChatCommands commands, JsonMapper json, ErrorAnswers errors) {
        this.chat = chat;
        this.commands = commands;
        this.json = json;
        this.errors = errors;
    }

    public Mono<ServerResponse> stream(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(body -> commands.read(body, request.exchange(), Surface.SSE))
                .flatMap(command -> respond(request, command));
    }

    private Mono<ServerResponse> respond(ServerRequest request, ChatCommand command) {
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        AtomicReference<RoutingHeaders.Committed> committed = RoutingHeaders.onCommit(request.exchange().getResponse());
        // filter and map, not handle: see StreamTally#accept
        Flux<DataBuffer> frames = chat.stream(command)
                .filter(event -> framed(event, committed))
                .map(event -> frame(event, buffers))
                .onErrorResume(MidStreamException.class,
                        e -> Mono.just(errors.sseEvent(buffers, e, command.requestId())));
        return SseResponse.of(frames);
    }

    /** Whether the event is written as a frame; the commit is remembered for the routing headers instead. */
    private static boolean framed(StreamEvent event, AtomicReference<RoutingHeaders.Committed> committed) {
        if (event instanceof StreamEvent.Committed c) {
            committed.set(new RoutingHeaders.Committed(c));
            return false;
        }
        return event instanceof StreamEvent.Text || event instanceof StreamEvent.ToolCallDelta
                || event instanceof StreamEvent.Reasoning || event instanceof StreamEvent.Done;
    }

    private DataBuffer frame(StreamEvent event, DataBufferFactory buffers) {
        if (event instanceof StreamEvent.Text text) {
            return SseFrames.event(buffers, "chunk", json.writeValueAsBytes(new Delta(text.delta())));
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            return SseFrames.event(buffers, "tool_call", json.writeValueAsBytes(NativeEvents.toolCall(call)));
        } else if (event instanceof StreamEvent.Reasoning reasoning) {
            return SseFrames.event(buffers, "reasoning", json.writeValueAsBytes(new Delta(reasoning.text())));
        }
        return SseFrames.event(buffers, "done",
                json.writeValueAsBytes(ChatView.done(null, null, ((StreamEvent.Done) event).result())));
    }

    record Delta(String delta) {
    }
}
