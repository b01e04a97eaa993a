package dev.switchboard.routing;

import dev.switchboard.chat.RoutePath;
import org.jspecify.annotations.Nullable;

/** The candidates of one request, produced lazily so each reflects the pools at the time it is tried. */
public interface RoutePlan {

    RoutePath path();

    /** The next candidate, or null when there is none left. */
    @Nullable Candidate next();

    /** Error code when every candidate failed: {@code all_providers_failed} or {@code all_keys_failed}. */
    String exhaustedCode();
}
