package dev.switchboard.keys;

import org.jspecify.annotations.Nullable;

/**
 * A key's new state, published on every change: persisted, counted in metrics, shared with other
 * instances.
 *
 * @param untilMillis epoch millis until which the key is out: 0 when active, {@link #UNTIL_FIXED} when it
 *     stays out until someone fixes it (a malformed key), Long.MAX_VALUE when disabled
 * @param fingerprint short hash of the secret, so a restored state never sticks to a replaced key
 */
public record KeyStateChange(
        String provider,
        String alias,
        String fingerprint,
        KeyStatus status,
        @Nullable String reason,
        long untilMillis,
        int consecutiveFailures,
        long atMillis) {

    /** A key out until someone fixes it (its format cannot be right): no time a person should read. */
    public static final long UNTIL_FIXED = Long.MAX_VALUE - 1;

    /** Whether {@code untilMillis} is no real time: the key is out until fixed or enabled. */
    public static boolean indefinite(long untilMillis) {
        return untilMillis >= UNTIL_FIXED;
    }
}
