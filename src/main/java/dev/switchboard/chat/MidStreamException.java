package dev.switchboard.chat;

import java.util.List;
/**
 * The upstream failed after the stream was committed to the client. There is no switching now: the
 * surface ends the stream with an error event built from this.
 */
public final class MidStreamException extends RuntimeException {

    private final RouteInfo route;
    private final UpstreamException failure;
    private final List<Attempt> attempts;

    public MidStreamException(RouteInfo route, UpstreamException failure, List<Attempt> attempts) {
        super("upstream failed mid-stream: " + failure.getMessage(), null, false, false);
        this.route = route;
        this.failure = failure;
        this.attempts = List.copyOf(attempts);
    }

    public RouteInfo route() {
        return route;
    }

    public UpstreamException failure() {
        return failure;
    }

    public List<Attempt> attempts() {
        return attempts;
    }
}
