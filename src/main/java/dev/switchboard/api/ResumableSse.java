package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.resume.EventId;
import dev.switchboard.resume.Frame;
import dev.switchboard.resume.FrameSource;
import dev.switchboard.resume.ResumableStream;
import dev.switchboard.resume.ResumableStreams;
import dev.switchboard.routing.StreamDelivery;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.JsonBodies;
import dev.switchboard.web.SseResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The SSE side of resumable streams, shared by {@code /api/chat/stream} and {@code /v1/chat/completions}: every
 * event gets an {@code id: <stream id>.<n>} line; a request with {@code Last-Event-ID} continues the stream it
 * names after that event (the body is not read and no upstream call is made); a dropped connection leaves the
 * stream to {@link ResumableStream} for the grace period. With resuming off ({@code switchboard.resume.grace: 0})
 * the streams are written as before, without ids.
 *
 * <p>Authorisation of a resume: the request must come from the same gateway client (the same API key's client
 * id, or the admin token) as the one that started the stream; another client's stream answers 410 exactly as an
 * unknown one does. Without authentication every request is {@code anonymous}, and the 96 random bits of the
 * stream id are what keeps another caller from reading it.
 */
@Component
public class ResumableSse {

    /** The header a reconnecting client (and a browser's {@code EventSource}, by itself) sends. */
    public static final String LAST_EVENT_ID = "Last-Event-ID";
    /**
     * The request header with which a client that never resumes opts out ({@code false}): no ids, and its
     * disconnect cancels the upstream at once, as with resuming off.
     */
    public static final String RESUMABLE = "x-switchboard-resumable";
    /** The request header that asks for a stream started without a connection (202, then {@code GET}). */
    static final String PREFER = "Prefer";

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry: 500\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONE = new byte[0];

    private final ResumableStreams streams;

    public ResumableSse(ResumableStreams streams) {
        this.streams = streams;
    }

    /** The {@code Last-Event-ID} a request carries, or null. */
    public static @Nullable String lastEventId(ServerRequest request) {
        String value = request.headers().firstHeader(LAST_EVENT_ID);
        return value == null || value.isBlank() ? null : value;
    }

    /** Whether the request asks for the stream to start detached ({@code Prefer: respond-async}). */
    static boolean detached(ServerRequest request) {
        return request.headers().header(PREFER).stream()
                .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("respond-async"));
    }

    /**
     * A new stream's answer.
     *
     * @param events the request's events (given the stream as its delivery when resumable, else null)
     * @param frames writes events as SSE frames (without ids) with the given buffer factory
     */
    public Mono<ServerResponse> start(ServerRequest request, String surface, ChatCommand command,
            Function<@Nullable StreamDelivery, Flux<StreamEvent>> events,
            BiFunction<Flux<StreamEvent>, DataBufferFactory, Flux<DataBuffer>> frames) {
        RoutingHeaders.ForStream route = RoutingHeaders.forStream(request.exchange().getResponse());
        if (!streams.enabled() || "false".equalsIgnoreCase(request.headers().firstHeader(RESUMABLE))) {
            Flux<StreamEvent> plain = events.apply(null).doOnNext(event -> {
                if (event instanceof StreamEvent.Committed c) {
                    route.committed(c);
                }
            });
            return SseResponse.of(frames.apply(plain, request.exchange().getResponse().bufferFactory()));
        }
        return Mono.deferContextual(context -> {
            ResumableStream stream = create(surface, command, events, frames, context);
            return SseResponse.ofBatches(connection(request, stream, stream.attachBatches(0, false), route, false));
        });
    }

    /**
     * Starts a stream with no connection ({@code Prefer: respond-async}): 202 with its id and the URL to read it
     * from once its first event is there, or the error it failed with before that.
     */
    public Mono<ServerResponse> startDetached(String surface, ChatCommand command, String eventsPath,
            Function<StreamDelivery, Flux<StreamEvent>> events,
            BiFunction<Flux<StreamEvent>, DataBufferFactory, Flux<DataBuffer>> frames) {
        if (!streams.enabled()) {
            return Mono.error(GatewayException.badRequest("resume_disabled",
                    "Prefer: respond-async needs resumable streams, which are off on this gateway "
                            + "(switchboard.resume.grace is 0)."));
        }
        return Mono.deferContextual(context -> {
            ResumableStream stream = create(surface, command, events, frames, context);
            String url = eventsPath + stream.id();
            return stream.startDetached().then(Mono.defer(() -> {
                stream.handedOut();
                return ServerResponse.status(HttpStatus.ACCEPTED)
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("Location", url)
                        .bodyValue(Map.of("object", "chat.stream", "id", stream.id(), "events_url", url,
                                "expires_after_seconds", streams.grace().toSeconds()));
            }));
        });
    }

    /**
     * A client coming back: the events of the stream named by {@code Last-Event-ID} (or by {@code streamId},
     * the resume URL's) after the one it names, or from the first when there is no {@code Last-Event-ID}.
     */
    public Mono<ServerResponse> resume(ServerRequest request, String surface, @Nullable String streamId) {
        return Mono.defer(() -> {
            String header = lastEventId(request);
            EventId last = header == null ? null : EventId.parse(header);
            String id = streamId != null ? streamId : last != null ? last.streamId() : null;
            if (id == null) {
                return Mono.error(GatewayException.badRequest("invalid_event_id",
                        "A resume needs Last-Event-ID."));
            }
            if (last != null && !last.streamId().equals(id)) {
                return Mono.error(new InvalidRequestException("invalid_event_id",
                        "Last-Event-ID names another stream than the URL.", LAST_EVENT_ID));
            }
            ResumableStream stream = streams.find(id, ClientIdentity.of(request.exchange()), surface);
            RoutingHeaders.ForStream route = RoutingHeaders.forStream(request.exchange().getResponse());
            Flux<List<Frame>> frames = stream.attachBatches(last == null ? 0 : last.seq(), last != null);
            return SseResponse.ofBatches(connection(request, stream, frames, route, streamId != null));
        });
    }

    /**
     * A stream whose source writes the request's events as frames (on the heap, copied once into the log). The
     * stream subscribes its source itself, apart from any connection, so the request's Reactor context (its
     * trace and observation) is carried over explicitly: the stream's reader answers it ({@link FrameSource}).
     */
    private ResumableStream create(String surface, ChatCommand command,
            Function<? super StreamDelivery, Flux<StreamEvent>> events,
            BiFunction<Flux<StreamEvent>, DataBufferFactory, Flux<DataBuffer>> frames, ContextView request) {
        return streams.create(command.clientId(), surface, FrameSource.of(self -> frames
                .apply(events.apply(self).doOnNext(event -> {
                    if (event instanceof StreamEvent.Committed c) {
                        self.committed(c);
                    }
                }), DefaultDataBufferFactory.sharedInstance), ResumableSse::frameBytes, request));
    }

    /**
     * A written frame's bytes for the log: the array itself when the buffer wraps exactly one (a relayed event
     * is written as one array, {@link dev.switchboard.web.SseFrames#dataFrame}), else a copy.
     */
    private static byte[] frameBytes(DataBuffer buffer) {
        if (buffer instanceof DefaultDataBuffer heap && heap.readPosition() == 0) {
            ByteBuffer nio = heap.getNativeBuffer();
            if (nio.hasArray() && nio.arrayOffset() == 0 && nio.array().length == heap.writePosition()) {
                return nio.array();
            }
        }
        return JsonBodies.copyAndRelease(buffer);
    }

    /**
     * One connection's buffers: each batch of frames in one buffer, each frame with its id line (so a batch is
     * one write to the socket); the route headers once the stream committed.
     *
     * @param retry whether the first frame also sets {@code EventSource}'s reconnection delay (the resume URL's
     *     readers), so a dropped connection comes back within a second rather than the browser's default 3 s
     */
    private static Flux<DataBuffer> connection(ServerRequest request, ResumableStream stream,
            Flux<List<Frame>> batches, RoutingHeaders.ForStream route, boolean retry) {
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        boolean[] first = {retry};
        return batches.map(batch -> {
            StreamEvent.Committed committed = stream.committed();
            if (committed != null) {
                route.committed(committed);
            }
            byte[] head = first[0] ? RETRY : NONE;
            first[0] = false;
            byte[] prefix = stream.eventIdPrefix();
            int size = head.length;
            for (int i = 0; i < batch.size(); i++) {
                Frame frame = batch.get(i);
                size += ID.length + prefix.length + digits(frame.seq()) + 1 + frame.bytes().length;
            }
            DataBuffer buffer = buffers.allocateBuffer(size);
            buffer.write(head);
            for (int i = 0; i < batch.size(); i++) {
                Frame frame = batch.get(i);
                buffer.write(ID);
                buffer.write(prefix);
                writeDecimal(buffer, frame.seq());
                buffer.write((byte) '\n');
                buffer.write(frame.bytes());
            }
            return buffer;
        });
    }

    /** How many decimal digits {@code n} (not negative) has. */
    static int digits(long n) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes {@code n} (not negative) in decimal ASCII digits, with no string in between. */
    static void writeDecimal(DataBuffer buffer, long n) {
        long unit = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            unit *= 10;
        }
        for (; unit > 0; unit /= 10) {
            buffer.write((byte) ('0' + n / unit % 10));
        }
    }
}
