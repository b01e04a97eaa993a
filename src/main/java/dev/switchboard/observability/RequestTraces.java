package dev.switchboard.observability;

import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.RequestTracing;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import io.micrometer.tracing.propagation.Propagator;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The gateway's spans, over Micrometer Tracing and its OpenTelemetry bridge.
 *
 * <ul>
 *   <li>A request's span is the HTTP server span Spring makes for its exchange (an incoming W3C
 *       {@code traceparent} continues the caller's trace); it is tagged with the request id. A WebSocket chat
 *       message gets a server span of its own ({@link #webSocketMessage}), a child of the handshake's.
 *   <li>Each upstream attempt gets a client span, a child of the request's, named {@code chat <model>} as the
 *       OpenTelemetry GenAI conventions name it, with their attributes where they have one
 *       ({@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code gen_ai.request.model},
 *       {@code gen_ai.usage.input_tokens}, {@code gen_ai.usage.output_tokens},
 *       {@code gen_ai.response.finish_reasons}, {@code error.type}, {@code server.address},
 *       {@code http.response.status_code}) and {@code switchboard.*} ones where they have none (key alias,
 *       outcome, time to first content, attempt number). Never a key: only its alias.
 * </ul>
 *
 * {@link #off()} answers everything at once with nothing: no span, no header, no trace id.
 */
public final class RequestTraces implements RequestTracing {

    /** Where a span made by the gateway itself (a WebSocket message's) travels in the Reactor context. */
    private static final Object SPAN = RequestTraces.class;
    private static final String HANDSHAKE = ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE;
    private static final RequestTraces OFF = new RequestTraces(null, Propagator.NOOP);

    private final @Nullable Tracer tracer;
    private final Propagator propagator;
    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();

    private RequestTraces(@Nullable Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public static RequestTraces off() {
        return OFF;
    }

    public static RequestTraces of(Tracer tracer, Propagator propagator) {
        return new RequestTraces(tracer, propagator);
    }

    @Override
    public boolean enabled() {
        return tracer != null;
    }

    @Override
    public @Nullable String traceId(ContextView context) {
        return tracer == null ? null : traceIdOf(parent(context));
    }

    /**
     * The trace id of this exchange's server span, which is tagged with the request id on the way; null
     * without tracing.
     */
    public @Nullable String serverSpan(ServerWebExchange exchange, String requestId) {
        if (tracer == null) {
            return null;
        }
        Span span = spanOf(exchange.getAttribute(HANDSHAKE));
        if (span == null) {
            return null;
        }
        span.tag("switchboard.request.id", requestId);
        return traceIdOf(span);
    }

    @Override
    public AttemptSpan attempt(Candidate candidate, int number, ContextView context) {
        if (tracer == null) {
            return AttemptSpan.NONE;
        }
        Span parent = parent(context);
        Upstream upstream = upstreams.computeIfAbsent(candidate.provider().baseUrl(), Upstream::of);
        Span.Builder builder = tracer.spanBuilder()
                .name("chat " + candidate.model())
                .kind(Span.Kind.CLIENT)
                .tag("gen_ai.operation.name", "chat")
                .tag("gen_ai.provider.name", candidate.provider().name())
                .tag("gen_ai.request.model", candidate.model())
                .tag("switchboard.provider.format", candidate.provider().format().name().toLowerCase(Locale.ROOT))
                .tag("switchboard.key.alias", candidate.key().alias())
                .tag("switchboard.route.path", candidate.path().code())
                .tag("switchboard.attempt.number", number);
        if (upstream.host() != null) {
            builder.tag("server.address", upstream.host()).tag("server.port", upstream.port());
        }
        Span span = (parent == null ? builder.setNoParent() : builder.setParent(parent.context())).start();
        Map<String, String> headers = new HashMap<>(4);
        propagator.inject(span.context(), headers, Map::put);
        return new Attempt(span, Map.copyOf(headers), System.nanoTime());
    }

    /**
     * Carries the handshake's server span into a WebSocket session, whose handler runs outside the handshake's
     * Reactor context.
     */
    public void carryIntoSession(ServerWebExchange handshake, Map<String, Object> sessionAttributes) {
        Object observation = handshake.getAttribute(HANDSHAKE);
        if (tracer != null && observation != null) {
            sessionAttributes.put(HANDSHAKE, observation);
        }
    }

    /** A span for one chat message on a WebSocket, a child of the handshake's span. */
    public MessageSpan webSocketMessage(Map<String, Object> sessionAttributes, String requestId) {
        if (tracer == null) {
            return MessageSpan.NONE;
        }
        Span handshake = spanOf(sessionAttributes.get(HANDSHAKE));
        Span.Builder builder = tracer.spanBuilder()
                .name("websocket chat")
                .kind(Span.Kind.SERVER)
                .tag("switchboard.request.id", requestId)
                .tag("switchboard.surface", "websocket");
        Span span = (handshake == null ? builder.setNoParent() : builder.setParent(handshake.context())).start();
        return new Message(span);
    }

    /** The span of one WebSocket chat message. */
    public interface MessageSpan {

        MessageSpan NONE = new MessageSpan() {

            @Override
            public @Nullable String traceId() {
                return null;
            }

            @Override
            public Context into(Context context) {
                return context;
            }

            @Override
            public void end(@Nullable PublicError error) {
            }
        };

        @Nullable String traceId();

        /** {@code context} with this span as the parent of what runs under it (the message's attempts). */
        Context into(Context context);

        /** The message's request ended (done, cancelled, or failed as the client was told); idempotent. */
        void end(@Nullable PublicError error);
    }

    private @Nullable Span parent(ContextView context) {
        Span own = context.getOrDefault(SPAN, null);
        if (own != null) {
            return own;
        }
        Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        return observation == null ? null : spanOf(observation.getContextView());
    }

    private static @Nullable Span spanOf(@Nullable Object observationContext) {
        if (!(observationContext instanceof Observation.ContextView view)) {
            return null;
        }
        TracingContext tracing = view.get(TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }

    private static @Nullable String traceIdOf(@Nullable Span span) {
        if (span == null || span.isNoop()) {
            return null;
        }
        String id = span.context().traceId();
        return id == null || id.isEmpty() ? null : id;
    }

    /** Where a provider's base URL points, for {@code server.address} and {@code server.port}. */
    private record Upstream(@Nullable String host, int port) {

        static Upstream of(String baseUrl) {
            try {
                URI uri = URI.create(baseUrl);
                int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                return new Upstream(uri.getHost(), port);
            } catch (IllegalArgumentException e) {
                return new Upstream(null, 0);
            }
        }
    }

    private static final class Attempt implements AttemptSpan {

        private final Span span;
        private final Map<String, String> headers;
        private final long startNanos;

        Attempt(Span span, Map<String, String> headers, long startNanos) {
            this.span = span;
            this.headers = headers;
            this.startNanos = startNanos;
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public void firstContent() {
            span.tag("switchboard.time_to_first_content_ms", (System.nanoTime() - startNanos) / 1_000_000);
            span.event("first content");
        }

        @Override
        public void end(AttemptEnd end) {
            span.tag("switchboard.attempt.outcome", end.outcome());
            Usage usage = end.usage();
            if (usage != null) {
                span.tag("gen_ai.usage.input_tokens", usage.promptTokens())
                        .tag("gen_ai.usage.output_tokens", usage.completionTokens())
                        .tag("switchboard.usage.estimated", usage.estimated());
            }
            if (end.finishReason() != null) {
                span.tagOfStrings("gen_ai.response.finish_reasons", List.of(end.finishReason()));
            }
            UpstreamException failure = end.failure();
            if (failure != null) {
                span.tag("error.type", failure.errorClass().code());
                if (failure.status() > 0) {
                    span.tag("http.response.status_code", failure.status());
                }
                // the classified failure's message is the scrubbed one clients and the request log get
                span.error(PublicError.upstream(failure.errorClass().code(), failure.getMessage()));
            }
            span.end();
        }
    }

    private static final class Message implements MessageSpan {

        private final Span span;
        private final @Nullable String traceId;
        private final AtomicBoolean ended = new AtomicBoolean();

        Message(Span span) {
            this.span = span;
            this.traceId = traceIdOf(span);
        }

        @Override
        public @Nullable String traceId() {
            return traceId;
        }

        @Override
        public Context into(Context context) {
            return context.put(SPAN, span);
        }

        @Override
        public void end(@Nullable PublicError error) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (error != null) {
                span.tag("error.type", error.code());
                span.error(error);
            }
            span.end();
        }
    }
}
