package dev.switchboard.support;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The ids every log line written for a request carries, as MDC entries: {@code requestId} and, when tracing
 * is on, {@code traceId} (the name Micrometer Tracing and Spring Boot's log correlation use). Boot's structured
 * JSON formats ({@code logging.structured.format.console}) write MDC entries as fields of each line.
 *
 * <p>Reactive code moves between threads, so the ids cannot live in a thread's MDC for the whole request;
 * the gateway opens a context around each piece of synchronous work done for a request that may log (an
 * attempt's outcome, the request's end, an error answer) and closes it right after, restoring what was there:
 * <pre>{@code try (LogContext ignored = LogContext.open(requestId, traceId)) { listener.failed(...); }}</pre>
 */
public final class LogContext implements AutoCloseable {

    public static final String REQUEST_ID = "requestId";
    public static final String TRACE_ID = "traceId";

    private final @Nullable String requestId;
    private final @Nullable String traceId;
    private final @Nullable String previousRequestId;
    private final @Nullable String previousTraceId;

    private LogContext(@Nullable String requestId, @Nullable String traceId) {
        this.requestId = requestId;
        this.traceId = traceId;
        this.previousRequestId = requestId == null ? null : MDC.get(REQUEST_ID);
        this.previousTraceId = traceId == null ? null : MDC.get(TRACE_ID);
        if (requestId != null) {
            MDC.put(REQUEST_ID, requestId);
        }
        if (traceId != null) {
            MDC.put(TRACE_ID, traceId);
        }
    }

    /** Puts the ids (those that are not null) into this thread's MDC until {@link #close()}. */
    public static LogContext open(@Nullable String requestId, @Nullable String traceId) {
        return new LogContext(requestId, traceId);
    }

    /** Puts back what the MDC held before. */
    @Override
    public void close() {
        if (requestId != null) {
            restore(REQUEST_ID, previousRequestId);
        }
        if (traceId != null) {
            restore(TRACE_ID, previousTraceId);
        }
    }

    private static void restore(String key, @Nullable String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
