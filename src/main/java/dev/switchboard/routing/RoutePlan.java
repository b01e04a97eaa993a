package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RoutePath;
import org.jspecify.annotations.Nullable;

/**
 * The candidates of one request, produced lazily so each reflects the pools at the time it is tried.
 *
 * <p>The per-provider budget ({@code resilience.max-retries}) counts only failures that are the provider's
 * ({@link ErrorClass#providerTrouble()}: server errors, network errors, timeouts, overload). A key that is
 * rate limited, out of quota or invalid has left the pool by the time the next candidate is asked for, and
 * its failure says nothing about the provider, so the plan goes on to the provider's next key without using
 * the budget ({@code routing.max-attempts} bounds every request).
 */
public interface RoutePlan {

    RoutePath path();

    /** The next usable candidate (its call already counted against the limits), or null when none is left. */
    @Nullable Candidate next();

    /** An attempt with this candidate failed: provider trouble uses the provider's budget. */
    void failed(Candidate candidate, ErrorClass errorClass);

    /** Whether some key of the plan could be used right now, tried already or not. */
    boolean usableNow();

    /**
     * The first key of the plan that is out now and comes back by itself (a cooldown that ends, a quota or
     * daily limit that resets), or null when none will: invalid and disabled keys come back only when fixed.
     */
    @Nullable Recovery earliestRecovery(long now);

    /** Whether every key of the plan is invalid or disabled: none comes back by itself. */
    boolean noValidKey();

    /** When a key that is out comes back. */
    record Recovery(long atMillis, String provider, String key, String model) {

        /** The earlier of two recoveries; a null one never comes. */
        static @Nullable Recovery earlier(@Nullable Recovery a, @Nullable Recovery b) {
            if (a == null) {
                return b;
            }
            return b == null || a.atMillis() <= b.atMillis() ? a : b;
        }
    }
}
