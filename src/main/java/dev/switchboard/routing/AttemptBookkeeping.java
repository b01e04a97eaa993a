package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;

/**
 * What every attempt's outcome changes: the key's health record, and for a model the provider does not
 * know, nothing of the key's: the call is given back to the daily counters and the model is remembered as
 * unknown ({@link UnknownModels}).
 */
public final class AttemptBookkeeping implements AttemptListener {

    private final KeyHealth health;
    private final DailyLimits limits;
    private final UnknownModels unknownModels;

    public AttemptBookkeeping(KeyHealth health, DailyLimits limits, UnknownModels unknownModels) {
        this.health = health;
        this.limits = limits;
        this.unknownModels = unknownModels;
    }

    @Override
    public void succeeded(Candidate candidate, long latencyMs) {
        health.succeeded(candidate.provider(), candidate.key(), latencyMs);
    }

    @Override
    public void failed(Candidate candidate, UpstreamException failure) {
        if (failure.errorClass() == ErrorClass.MODEL_NOT_FOUND) {
            limits.refund(candidate.provider(), candidate.key(), candidate.model());
            unknownModels.report(candidate.provider(), candidate.model(), failure.getMessage());
            return;
        }
        health.failed(candidate.provider(), candidate.key(), failure);
    }
}
