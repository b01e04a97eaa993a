package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.routing.ChatService;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.SseFrames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/chat/stream}: {@code event: chunk} frames ({@code {"delta":"..."}}; {@code event: tool_call}
 * with {@code index}, {@code call_id}, {@code name}, {@code arguments} fragments when the model calls a tool,
 * {@code event: reasoning} with its reasoning), then {@code event: done} with the metadata, or {@code event: error} if the upstream broke mid-stream. A
 * failure before the first chunk is a plain JSON error answer (nothing was committed).
 *
 * <p>Resumable (see {@link ResumableSse}): every event has an {@code id}; a {@code POST} with
 * {@code Last-Event-ID} to the same URL, or {@code GET /api/chat/stream/{stream id}} (with or without it),
 * continues the stream. {@code Prefer: respond-async} starts the stream without a connection: 202 with its
 * {@code events_url}, for a browser's {@code EventSource}, which reconnects with {@code Last-Event-ID} by itself.
 */
@Component
public class ChatStreamHandler {

    /** The endpoint family of resumable streams started here. */
    static final String SURFACE = "api/chat/stream";
    /** Where a stream's events are read by id (the resume URL). */
    static final String EVENTS_PATH = "/api/chat/stream/";
    /** A chunk's data up to its text: see {@link #delta}. */
    private static final byte[] DELTA_OPEN = "{\"delta\":\"".getBytes(StandardCharsets.US_ASCII);

    private final ChatService chat;
    private final ChatCommands commands;
    private final JsonMapper json;
    private final ErrorAnswers errors;
    private final ResumableSse resumable;

    public ChatStreamHandler(ChatService chat, ChatCommands commands, JsonMapper json, ErrorAnswers errors,
            ResumableSse resumable) {
        this.chat = chat;
        this.commands = commands;
        this.json = json;
        this.errors = errors;
        this.resumable = resumable;
    }

    /** A new stream, or (with {@code Last-Event-ID}) the rest of one the client lost its connection to. */
    public Mono<ServerResponse> stream(ServerRequest request) {
        if (ResumableSse.lastEventId(request) != null) {
            return resumable.resume(request, SURFACE, null);
        }
        return JsonBodies.bytes(request)
                .map(body -> commands.read(body, request.exchange(), Surface.SSE))
                .flatMap(command -> ResumableSse.detached(request)
                        ? resumable.startDetached(SURFACE, command, EVENTS_PATH,
                                delivery -> chat.stream(command, delivery), (events, buffers) -> frames(events,
                                        buffers, command.requestId()))
                        : resumable.start(request, SURFACE, command,
                                delivery -> delivery == null ? chat.stream(command) : chat.stream(command, delivery),
                                (events, buffers) -> frames(events, buffers, command.requestId())));
    }

    /** {@code GET /api/chat/stream/{id}}: a stream's events, for {@code EventSource} (which resumes by itself). */
    public Mono<ServerResponse> events(ServerRequest request) {
        return resumable.resume(request, SURFACE, request.pathVariable("id"));
    }

    /**
     * The stream's frames. Its operators, and what their functions capture, stay for the whole stream: the
     * request id, not the command, which holds the prompt (docs/PERFORMANCE.md, "A stream kept its prompt").
     */
    private Flux<DataBuffer> frames(Flux<StreamEvent> events, DataBufferFactory buffers, String requestId) {
        // filter and map, not handle: see StreamTally#accept
        return events.filter(ChatStreamHandler::framed)
                .map(event -> frame(event, buffers))
                .onErrorResume(MidStreamException.class, e -> Mono.just(errors.sseEvent(buffers, e, requestId)));
    }

    /** Whether the event is written as a frame (the commit is read by {@link ResumableSse} for the headers). */
    private static boolean framed(StreamEvent event) {
        return event instanceof StreamEvent.Text || event instanceof StreamEvent.ToolCallDelta
                || event instanceof StreamEvent.Reasoning || event instanceof StreamEvent.Done;
    }

    private DataBuffer frame(StreamEvent event, DataBufferFactory buffers) {
        if (event instanceof StreamEvent.Text text) {
            return SseFrames.event(buffers, "chunk", delta(json, text.delta()));
        } else if (event instanceof StreamEvent.ToolCallDelta call) {
            return SseFrames.event(buffers, "tool_call", json.writeValueAsBytes(NativeEvents.toolCall(call)));
        } else if (event instanceof StreamEvent.Reasoning reasoning) {
            return SseFrames.event(buffers, "reasoning", delta(json, reasoning.text()));
        }
        return SseFrames.event(buffers, "done",
                json.writeValueAsBytes(ChatView.done(null, null, ((StreamEvent.Done) event).result())));
    }

    /**
     * {@code {"delta":"<text>"}}, the text quoted by Jackson's string encoder, which escapes exactly as the
     * mapper's generator does: a chunk's one field without a generator or a serialization context per chunk
     * (mapping a record was a twentieth of a relayed chunk's CPU on this surface). The encoder refuses a lone
     * surrogate, which the mapper writes escaped; such a rare text goes through the mapper.
     */
    static byte[] delta(JsonMapper json, String text) {
        byte[] quoted;
        try {
            quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        } catch (IllegalArgumentException loneSurrogate) {
            return json.writeValueAsBytes(Map.of("delta", text));
        }
        byte[] out = Arrays.copyOf(DELTA_OPEN, DELTA_OPEN.length + quoted.length + 2);
        System.arraycopy(quoted, 0, out, DELTA_OPEN.length, quoted.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }
}
