package dev.switchboard.support;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Holds requests back until the gateway has loaded key states and checked its keys at startup, so no
 * request uses a key that was banned before a restart. Once open it costs nothing.
 */
public final class StartupGate {

    private final Sinks.Empty<Void> opened = Sinks.empty();
    private final Duration maxWait;
    private volatile boolean open;

    public StartupGate(Duration maxWait) {
        this.maxWait = maxWait;
    }

    /** A gate that is open from the start (tests, tools). */
    public static StartupGate alreadyOpen() {
        StartupGate gate = new StartupGate(Duration.ZERO);
        gate.open();
        return gate;
    }

    public void open() {
        open = true;
        opened.tryEmitEmpty();
    }

    public boolean isOpen() {
        return open;
    }

    /** Completes when open, or after the longest wait (a request then goes ahead with what is known). */
    public Mono<Void> whenOpen() {
        return open ? Mono.empty() : opened.asMono().timeout(maxWait, Mono.empty());
    }
}
