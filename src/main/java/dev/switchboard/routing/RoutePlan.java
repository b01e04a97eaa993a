package dev.switchboard.routing;

import dev.switchboard.chat.RoutePath;
import org.jspecify.annotations.Nullable;

/** The candidates of one request, produced lazily so each reflects the pools at the time it is tried. */
public interface RoutePlan {

    RoutePath path();

    /** The next usable candidate (its call already counted against the limits), or null when none is left. */
    @Nullable Candidate next();

    /**
     * Epoch millis when the earliest of this plan's keys that is out now (cooling, at its limit) can
     * be used again; Long.MAX_VALUE when none of the keys that are out will come back by itself.
     */
    long earliestRecovery(long now);
}
