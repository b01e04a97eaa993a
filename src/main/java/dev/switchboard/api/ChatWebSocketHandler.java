package dev.switchboard.api;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.observability.PublicError;
import dev.switchboard.observability.RequestTraces;
import dev.switchboard.observability.RequestTraces.MessageSpan;
import dev.switchboard.resume.EventId;
import dev.switchboard.resume.ResumableStream;
import dev.switchboard.resume.ResumableStreams;
import dev.switchboard.routing.ChatService;
import dev.switchboard.support.LogContext;
import dev.switchboard.web.ClientIdentity;
import dev.switchboard.web.RequestIds;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/chat/ws}: several chat requests at once on one socket, each with an id.
 *
 * <p>In: a chat request (as {@code /api/chat} takes it, with an optional {@code id}) or
 * {@code {"type":"cancel","id"}}. Out: {@code chunk} messages ({@code tool_call} and {@code reasoning}
 * messages when the model calls a tool or reasons), then {@code done} (with the metadata) or
 * {@code error}, both with the request id and, with tracing on, the trace id ({@code trace_id}: each message
 * is a request with a server span of its own, a child of the handshake's); {@code cancelled} after a cancel.
 * A bad message gets an {@code error} message and the socket stays open.
 *
 * <p>Resumable (unless {@code switchboard.resume.grace} is 0): every message of a request carries an
 * {@code event_id}. A socket that drops leaves its requests' streams reading on for the grace period; a new
 * socket of the same client sends {@code {"type":"resume","id","last_event_id"}} and gets the rest under that
 * {@code id}, with no second upstream call ({@code error} with {@code stream_expired} when it is too late). A
 * {@code cancel} ends the stream and its upstream call at once. With resuming off (or {@code "resumable": false}
 * in the request), closing the socket cancels every request on it, and with them their upstream calls.
 *
 * <p>Limits: messages over the socket's rate get an {@code error} ({@code too_many_messages}); a socket
 * that keeps flooding is closed with 1008. A message over the size limit closes the socket: a single
 * frame is refused by Reactor Netty's decoder with 1009; a message sent in fragments fails Reactor
 * Netty's aggregator, which cancels the socket's inbound and closes it without a status (1005 at the
 * client) before the failure reaches this handler, whose own 1009 then comes too late. Each chat request counts against its client's limits like any
 * other request (the client is the one authenticated at the handshake).
 */
@Component
public class ChatWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatWebSocketHandler.class);
    static final int MAX_IN_FLIGHT = 32;
    /** The endpoint family of resumable streams started on the socket. */
    static final String SURFACE = "api/chat/ws";
    /** Marks the end of a flooding socket's replies (compared by identity, never sent). */
    private static final Map<String, Object> FLOODED = Collections.unmodifiableMap(new HashMap<>());

    private final ChatService chat;
    private final ChatCommands commands;
    private final JsonMapper json;
    private final WebSocketGuard guard;
    private final ErrorAnswers errors;
    private final RequestTraces traces;
    private final ResumableStreams streams;

    public ChatWebSocketHandler(ChatService chat, ChatCommands commands, JsonMapper json, WebSocketGuard guard,
            ErrorAnswers errors, RequestTraces traces, ResumableStreams streams) {
        this.traces = traces;
        this.streams = streams;
        this.chat = chat;
        this.commands = commands;
        this.json = json;
        this.guard = guard;
        this.errors = errors;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        Conversation conversation = new Conversation(ClientIdentity.of(session), session.getAttributes());
        WebSocketGuard.Rate rate = guard.newRate();
        Flux<WebSocketMessage> replies = session.receive()
                .map(WebSocketMessage::getPayloadAsText)
                .transform(ChatWebSocketHandler::keepReadingAfterTheRepliesEnd)
                .flatMap(text -> rate.flooded() ? Flux.<Map<String, Object>>empty() : switch (rate.next()) {
                    case ACCEPT -> conversation.onMessage(text);
                    case REFUSE -> Flux.just(conversation.refused(null, "too_many_messages", "Too many messages: at most "
                            + guard.perSecond() + " per second on one socket; this one was dropped.", "rate_limit_error"));
                    case CLOSE -> Flux.just(FLOODED);
                }, MAX_IN_FLIGHT)
                .takeUntilOther(session.closeStatus())
                .takeWhile(reply -> reply != FLOODED)
                .map(reply -> session.textMessage(json.writeValueAsString(reply)))
                .onErrorResume(TooLongFrameException.class, e -> session.close(CloseStatus.TOO_BIG_TO_PROCESS
                        .withReason("message larger than the limit")).then(Mono.empty()));
        return session.send(replies)
                .then(Mono.defer(() -> rate.flooded() ? closeFlooded(session) : Mono.empty()))
                .doFinally(signal -> log.debug("WebSocket {} closed ({})", session.getId(), signal));
    }

    /**
     * The socket's messages, read on when the replies stop at a flood: cancelling the inbound would make Reactor
     * Netty close the socket at once with no status, before the 1008. One message is read ahead, as before: the
     * requests in flight are what bounds how much a socket holds.
     */
    private static Flux<String> keepReadingAfterTheRepliesEnd(Flux<String> messages) {
        return messages.publish(1).autoConnect();
    }

    /**
     * Closes a flooding socket with 1008 once every reply before it was written (the replies end at the flood and
     * the socket's writer finished them), so the client reads its {@code too_many_messages} errors before the
     * close; a close issued beside the writer could overtake replies it still held.
     */
    private static Mono<Void> closeFlooded(WebSocketSession session) {
        return session.close(CloseStatus.POLICY_VIOLATION.withReason("too many messages"));
    }

    /** The requests in flight on one socket. */
    private final class Conversation {

        private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
        private final AtomicLong unnamed = new AtomicLong();
        private final String client;
        private final Map<String, Object> attributes;

        Conversation(String client, Map<String, Object> attributes) {
            this.client = client;
            this.attributes = attributes;
        }

        Flux<Map<String, Object>> onMessage(String text) {
            ObjectNode request;
            String named;
            String type;
            try {
                request = commands.request(text.getBytes(StandardCharsets.UTF_8));
                named = OpenAiVocabulary.optionalText(request, "id", "");
                type = OpenAiVocabulary.optionalText(request, "type", "");
            } catch (GatewayException e) {
                return Flux.just(errors.webSocketMessage(null, e, null));
            }
            String id = named != null && !named.isBlank() ? named : "ws-" + unnamed.incrementAndGet();
            if ("resume".equals(type)) {
                return resume(id, request);
            }
            if ("cancel".equals(type)) {
                InFlight flight = inFlight.get(id);
                if (flight == null) {
                    return Flux.just(refused(id, "unknown_request", "No request with id '" + id + "' is in flight.",
                            "invalid_request_error"));
                }
                flight.cancel();
                return Flux.empty();
            }
            if (type != null && !"chat".equals(type)) {
                return Flux.just(refused(id, "unknown_type", "Message type must be 'chat', 'cancel' or 'resume'.",
                        "invalid_request_error"));
            }
            return start(id, request);
        }

        private Flux<Map<String, Object>> start(String id, ObjectNode request) {
            InFlight flight = new InFlight();
            if (inFlight.putIfAbsent(id, flight) != null) {
                return Flux.just(refused(id, "duplicate_id", "A request with id '" + id + "' is already in flight.",
                        "invalid_request_error"));
            }
            String requestId = RequestIds.next();
            // "resumable": false, a client that never resumes: closing the socket cancels the upstream at once
            boolean resumable = streams.enabled() && request.path("resumable").asBoolean(true);
            request.remove("resumable");
            return Flux.defer(() -> {
                // each message is a request of its own: its own span (a child of the handshake's), its own trace id
                MessageSpan span = traces.webSocketMessage(attributes, requestId);
                return Flux.defer(() -> messages(id, flight, request, requestId, resumable, span))
                        .onErrorResume(e -> Mono.just(failed(id, e, requestId, span)))
                        .doFinally(signal -> {
                            inFlight.remove(id, flight);
                            span.end(null);
                        })
                        .contextWrite(span::into);
            });
        }

        /**
         * The request's messages: read from a resumable stream that outlives this socket, or straight from the
         * pipeline (closing the socket then cancels the upstream call).
         */
        private Flux<Map<String, Object>> messages(String id, InFlight flight, ObjectNode request, String requestId,
                boolean resumable, MessageSpan span) {
            ChatCommand command = commands.toCommand(request, requestId, Surface.WEBSOCKET).withClient(client);
            if (!resumable) {
                return chat.stream(command)
                        .concatMap(event -> toMessages(id, event, span.traceId()))
                        .takeUntilOther(flight.cancelled())
                        .concatWith(Mono.fromCallable(() -> flight.wasCancelled() ? cancelled(id) : null));
            }
            // kept without the socket's request id (a resume may name another): "" here, the id on the way out
            ResumableStream stream = streams.create(client, SURFACE, self -> chat.stream(command, self)
                    .concatMap(event -> toMessages("", event, span.traceId()))
                    .onErrorResume(MidStreamException.class, e -> Mono.just(failed("", e, requestId, span)))
                    .map(json::writeValueAsBytes)
                    .contextWrite(span::into));
            return read(id, flight, stream, 0, false, requestId);
        }

        /**
         * {@code {"type":"resume","id","last_event_id"}}, on any socket of the same client: the rest of the
         * stream after that event, under {@code id}, as if the socket had never dropped.
         */
        private Flux<Map<String, Object>> resume(String id, ObjectNode request) {
            String last = OpenAiVocabulary.optionalText(request, "last_event_id", "");
            if (last == null || last.isBlank()) {
                return Flux.just(refused(id, "invalid_event_id", "A resume needs last_event_id: the event_id of the "
                        + "last message the client got.", "invalid_request_error"));
            }
            InFlight flight = new InFlight();
            if (inFlight.putIfAbsent(id, flight) != null) {
                return Flux.just(refused(id, "duplicate_id", "A request with id '" + id + "' is already in flight.",
                        "invalid_request_error"));
            }
            return Flux.defer(() -> {
                EventId event = EventId.parse(last);
                ResumableStream stream = streams.find(event.streamId(), client, SURFACE);
                return read(id, flight, stream, event.seq(), true, null);
            }).onErrorResume(e -> Mono.just(errors.webSocketMessage(id, e, null)))
                    .doFinally(signal -> inFlight.remove(id, flight));
        }

        /** A connection to the stream on this socket: its messages with {@code id} and their {@code event_id}. */
        private Flux<Map<String, Object>> read(String id, InFlight flight, ResumableStream stream, long after,
                boolean resuming, @Nullable String requestId) {
            flight.stream = stream;
            return stream.attach(after, resuming)
                    .map(frame -> {
                        Map<String, Object> kept = json.readValue(frame.bytes(), MAP);
                        Map<String, Object> message = new LinkedHashMap<>(kept.size() + 2);
                        message.put("type", kept.remove("type"));
                        message.put("id", id);
                        message.put("event_id", stream.eventId(frame.seq()));
                        kept.remove("id");
                        message.putAll(kept);
                        return message;
                    })
                    .concatWith(Mono.fromCallable(() -> flight.wasCancelled() ? cancelled(id) : null))
                    .onErrorResume(e -> Mono.just(errors.webSocketMessage(id, e, requestId)))
                    .doFinally(signal -> inFlight.remove(id, flight));
        }

        /** The request's error message; its span records what the client is told. */
        private Map<String, Object> failed(String id, Throwable error, String requestId, MessageSpan span) {
            ErrorAnswers.Answer answer;
            try (LogContext ignored = LogContext.open(requestId, span.traceId())) {
                answer = ErrorAnswers.of(error, requestId);
            }
            span.end(PublicError.answered(answer.status(), answer.type(), answer.code()));
            return withTraceId(errors.webSocketMessage(id, answer, requestId), span.traceId());
        }

        private Flux<Map<String, Object>> toMessages(String id, StreamEvent event, @Nullable String traceId) {
            if (event instanceof StreamEvent.Text text) {
                Map<String, Object> chunk = new LinkedHashMap<>(4);
                chunk.put("type", "chunk");
                chunk.put("id", id);
                chunk.put("delta", text.delta());
                return Flux.just(chunk);
            }
            if (event instanceof StreamEvent.ToolCallDelta call) {
                Map<String, Object> message = new LinkedHashMap<>(4);
                message.put("type", "tool_call");
                message.put("id", id);
                message.putAll(json.convertValue(NativeEvents.toolCall(call), MAP));
                return Flux.just(message);
            }
            if (event instanceof StreamEvent.Reasoning reasoning) {
                Map<String, Object> message = new LinkedHashMap<>(4);
                message.put("type", "reasoning");
                message.put("id", id);
                message.put("delta", reasoning.text());
                return Flux.just(message);
            }
            if (event instanceof StreamEvent.Done done) {
                return Flux.just(withTraceId(json.convertValue(ChatView.done("done", id, done.result()), MAP), traceId));
            }
            return Flux.empty();
        }

        private Map<String, Object> cancelled(String id) {
            Map<String, Object> out = new LinkedHashMap<>(2);
            out.put("type", "cancelled");
            out.put("id", id);
            return out;
        }

        /** A message refused on the socket itself, before it became a request. */
        Map<String, Object> refused(@Nullable String id, String code, String message, String type) {
            return errors.webSocketMessage(id, ErrorAnswers.answer(400, type, code, message, null), null);
        }
    }

    /** The trace id next to the request id, when there is one. */
    private static Map<String, Object> withTraceId(Map<String, Object> message, @Nullable String traceId) {
        if (traceId == null) {
            return message;
        }
        Map<String, Object> out = new LinkedHashMap<>(message);
        out.put("trace_id", traceId);
        return out;
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** One request in flight and its cancel switch. */
    private static final class InFlight {

        private final Sinks.Empty<Void> cancel = Sinks.empty();
        private volatile boolean cancelled;
        /** The resumable stream it reads, if any: a cancel ends it (a dropped socket only leaves it). */
        volatile @Nullable ResumableStream stream;

        void cancel() {
            cancelled = true;
            ResumableStream resumable = stream;
            if (resumable != null) {
                resumable.cancel();
            }
            cancel.tryEmitEmpty();
        }

        boolean wasCancelled() {
            return cancelled;
        }

        /** Emits once the client cancelled (takeUntilOther needs a value, not just completion). */
        Mono<Boolean> cancelled() {
            return cancel.asMono().then(Mono.just(Boolean.TRUE));
        }
    }
}
