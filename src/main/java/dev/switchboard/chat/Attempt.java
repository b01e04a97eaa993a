package dev.switchboard.chat;

import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt of a request, successful or not. Only the key's alias is ever kept.
 *
 * @param errorClass null when the attempt succeeded
 * @param status upstream HTTP status, 0 when none
 */
public record Attempt(
        String provider,
        String key,
        String model,
        boolean success,
        @Nullable ErrorClass errorClass,
        int status,
        @Nullable String message,
        long latencyMs) {

    public static Attempt succeeded(RouteInfo route, long latencyMs) {
        return new Attempt(route.provider(), route.key(), route.model(), true, null, 200, null, latencyMs);
    }

    /**
     * {@code ok}, {@code waited} (a wait for a key to come back, not a call), {@code hedged_out} (a hedged call
     * the gateway cancelled because its rival answered first) or {@code error}.
     */
    public String outcome() {
        if (success) {
            return "ok";
        }
        return errorClass == ErrorClass.WAITED ? "waited" : errorClass == ErrorClass.HEDGED_OUT ? "hedged_out" : "error";
    }

    /** Whether this was a call upstream (a wait is listed among the attempts but is none). */
    public boolean upstream() {
        return errorClass != ErrorClass.WAITED;
    }
}
