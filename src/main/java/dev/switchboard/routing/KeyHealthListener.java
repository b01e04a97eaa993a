package dev.switchboard.routing;

import dev.switchboard.chat.UpstreamException;
import dev.switchboard.keys.KeyHealth;

/** Feeds every attempt's outcome into the key's health record. */
public final class KeyHealthListener implements AttemptListener {

    private final KeyHealth health;

    public KeyHealthListener(KeyHealth health) {
        this.health = health;
    }

    @Override
    public void succeeded(Candidate candidate, long latencyMs) {
        health.succeeded(candidate.provider(), candidate.key(), latencyMs);
    }

    @Override
    public void failed(Candidate candidate, UpstreamException failure) {
        health.failed(candidate.provider(), candidate.key(), failure);
    }
}
