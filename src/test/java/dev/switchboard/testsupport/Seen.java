package dev.switchboard.testsupport;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.StreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Signal;

/**
 * What the client of Switchboard saw of one streamed request: the route the stream committed to (none
 * if it failed before its first chunk), the text deltas, and how it ended (done or an error).
 */
public record Seen(@Nullable RouteInfo route, List<String> deltas, @Nullable ChatResult result, @Nullable Throwable error) {

    /** Runs the stream to its end on the test thread (never on an event loop), at most 10 s. */
    public static Seen of(Flux<StreamEvent> stream) {
        List<Signal<StreamEvent>> signals = stream.materialize().collectList().block(Duration.ofSeconds(10));
        RouteInfo route = null;
        List<String> deltas = new ArrayList<>();
        ChatResult result = null;
        Throwable error = null;
        for (Signal<StreamEvent> signal : signals) {
            if (signal.isOnError()) {
                error = signal.getThrowable();
            } else if (signal.get() instanceof StreamEvent.Committed committed) {
                route = committed.route();
            } else if (signal.get() instanceof StreamEvent.Text text) {
                deltas.add(text.delta());
            } else if (signal.get() instanceof StreamEvent.Done done) {
                result = done.result();
            }
        }
        return new Seen(route, deltas, result, error);
    }

    public String text() {
        return String.join("", deltas);
    }

    public boolean committed() {
        return route != null;
    }

    /** The error after commit (the stream's terminal error event); fails if the stream did not end so. */
    public MidStreamException midStreamError() {
        if (!(error instanceof MidStreamException mid)) {
            throw new AssertionError("expected a mid-stream error, saw " + this);
        }
        return mid;
    }
}
