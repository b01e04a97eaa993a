package dev.switchboard.providers.sse;

import java.time.Duration;
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
 */
public final class EndMarker {

    /** How long a body may stay open after its end marker before its connection is given up. */
    public static final Duration GRACE = Duration.ofMillis(500);

    private EndMarker() {
    }

    /**
     * The events up to and including the first one {@code isEnd} accepts; the stream ends when the body
     * does, or {@link #GRACE} after the marker if the body stays open.
     */
    public static Flux<SseEvent> readThrough(Flux<SseEvent> events, Predicate<SseEvent> isEnd) {
        return Flux.defer(() -> {
            Sinks.Empty<Void> marker = Sinks.empty();
            boolean[] past = new boolean[1];
            return events
                    .filter(event -> {
                        if (past[0]) {
                            return false;
                        }
                        if (isEnd.test(event)) {
                            past[0] = true;
                            marker.tryEmitEmpty();
                        }
                        return true;
                    })
                    .takeUntilOther(marker.asMono().then(Mono.delay(GRACE)));
        });
    }
}
