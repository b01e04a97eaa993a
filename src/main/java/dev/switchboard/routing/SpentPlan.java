package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RoutePath;
import org.jspecify.annotations.Nullable;

/**
 * The plan of a request whose stream committed ({@link RequestRun#releasePrompt}): the same path, no candidate
 * left. The plans it replaces hold the command, and with it the prompt.
 */
record SpentPlan(RoutePath path) implements RoutePlan {

    @Override
    public @Nullable Candidate next() {
        return null;
    }

    @Override
    public void failed(Candidate candidate, ErrorClass errorClass) {
    }

    @Override
    public boolean usableNow() {
        return false;
    }

    @Override
    public @Nullable Recovery earliestRecovery(long now) {
        return null;
    }

    @Override
    public boolean noValidKey() {
        return false;
    }
}
