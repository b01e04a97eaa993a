package dev.switchboard.routing;

import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * Traces requests and their upstream attempts. Implemented over Micrometer Tracing by the observers' layer;
 * {@link #OFF} when tracing is off, and then the pipeline makes no span and adds no header. Must not block.
 *
 * <p>The request's own span is the caller's: the HTTP server span Spring makes for each exchange, or the
 * span a surface opens for one WebSocket message; it travels in the Reactor context, from which
 * {@link #traceId} and {@link #attempt} read it.
 */
public interface RequestTracing {

    RequestTracing OFF = new RequestTracing() {

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public @Nullable String traceId(ContextView context) {
            return null;
        }

        @Override
        public AttemptSpan attempt(Candidate candidate, int number, ContextView context) {
            return AttemptSpan.NONE;
        }
    };

    /** False: no attempt is traced at all (the pipeline skips the span step). */
    default boolean enabled() {
        return true;
    }

    /** The trace id of the request whose Reactor context this is; null without tracing or a span. */
    @Nullable String traceId(ContextView context);

    /**
     * Starts the span of one upstream attempt, the child of the request's span in {@code context} (a new trace
     * when there is none).
     *
     * @param number the attempt's place in its request, from 1
     */
    AttemptSpan attempt(Candidate candidate, int number, ContextView context);

    /** The span of one upstream attempt. */
    interface AttemptSpan {

        AttemptSpan NONE = new AttemptSpan() {

            @Override
            public Map<String, String> headers() {
                return Map.of();
            }

            @Override
            public void firstContent() {
            }

            @Override
            public void end(AttemptEnd end) {
            }
        };

        /** The headers that carry this span's context to the upstream ({@code traceparent}). */
        Map<String, String> headers();

        /** The attempt's first content arrived (its time to first content is now). */
        void firstContent();

        /** The attempt ended; called once. */
        void end(AttemptEnd end);
    }

    /**
     * How an attempt ended, as its span tells it.
     *
     * @param outcome {@code success}, {@code failed} or {@code cancelled}
     * @param failure what failed (classified, with the provider's overrides), null unless failed
     * @param usage tokens, as the provider reported them or estimated; null when nothing was delivered
     * @param finishReason why the model stopped, when it said
     */
    record AttemptEnd(String outcome, @Nullable UpstreamException failure, @Nullable Usage usage,
            @Nullable String finishReason) {

        public static final String SUCCESS = "success";
        public static final String FAILED = "failed";
        public static final String CANCELLED = "cancelled";
    }
}
