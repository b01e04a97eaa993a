package dev.switchboard.routing;

import dev.switchboard.chat.UpstreamException;

/** Told about every upstream attempt's outcome (key health, metrics). Must not block. */
public interface AttemptListener {

    AttemptListener NONE = new AttemptListener() {
    };

    default void succeeded(Candidate candidate, long latencyMs) {
    }

    default void failed(Candidate candidate, UpstreamException failure) {
    }
}
