package dev.switchboard.providers.sse;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ends an event stream at its format's end marker ({@code data: [DONE]}, {@code message_stop}) without
 * giving up the connection under it.
 *
 * <p>Cancelling a response body before it has ended closes its connection: the unread rest makes it
 * unusable for the next request. Cutting the stream at the marker ({@code takeUntil}) therefore cost a new
 * TCP connection, and with a real provider a TLS handshake, for every streamed request, although the body
 * ends right after the marker (its terminating chunk normally comes in the same read). Here the stream
 * reads on to the end of the body, drops whatever follows the marker, and ends with the body, so the
 * connection goes back to the pool. An upstream that keeps the body open after its marker is cut off
 * after {@link #GRACE}, which closes that connection as before.
 *
 * <p>An in-band error (an error event or chunk inside a 200 stream, e.g. Anthropic's
 * {@code overloaded_error}) is handled the same way by {@link #mapThrough}: the mapping failure is held
 * until the body ends (normally right after the error event), then raised, so a failed attempt leaves its
 * connection for the next one instead of closing it. The adapters call {@link #mapThrough} with their
 * format's end test and event mapper.
 */
public final class EndMarker {

    /** How long a body may stay open after its end marker (or an in-band error) before its connection is given up. */
    public static final Duration GRACE = Duration.ofMillis(500);

    private EndMarker() {
    }

    /**
     * The events up to and including the first one {@code isEnd} accepts, each mapped by {@code map};
     * the stream ends when the body does, or {@link #GRACE} after the marker if the body stays open. When
     * {@code map} throws (an in-band error), nothing more is mapped and the failure is raised once the body
     * ends, or {@link #GRACE} after it; a transport error after it does not replace it (the in-band error
     * says what went wrong, e.g. which key is rate limited).
     *
     * <p>{@code past} is written where events are mapped and read where they are filtered, which Reactor
     * may run on different threads: a late read only lets one more event through the filter, and the
     * mapping step drops it ({@code failure} is written and read in that one serialized step).
     */
    public static <T> Flux<T> mapThrough(Flux<SseEvent> events, Predicate<SseEvent> isEnd,
            Function<SseEvent, ? extends Iterable<? extends T>> map) {
        return Flux.defer(() -> {
            Sinks.Empty<Void> stop = Sinks.empty();
            boolean[] past = new boolean[1];
            RuntimeException[] failure = new RuntimeException[1];
            Flux<T> mapped = events
                    .filter(event -> {
                        if (past[0]) {
                            return false;
                        }
                        if (isEnd.test(event)) {
                            past[0] = true;
                            stop.tryEmitEmpty();
                        }
                        return true;
                    })
                    .concatMapIterable(event -> {
                        if (failure[0] != null) {
                            return List.<T>of();
                        }
                        try {
                            return map.apply(event);
                        } catch (RuntimeException e) {
                            failure[0] = e;
                            past[0] = true;
                            stop.tryEmitEmpty();
                            return List.<T>of();
                        }
                    }, 1); // one event in flight is enough; the default prefetch (32) costs a queue per open stream
            return mapped
                    .takeUntilOther(stop.asMono().then(Mono.delay(GRACE)))
                    .onErrorMap(error -> failure[0] != null, error -> failure[0])
                    .concatWith(Flux.defer(() -> failure[0] == null ? Flux.empty() : Flux.error(failure[0])));
        });
    }
}
