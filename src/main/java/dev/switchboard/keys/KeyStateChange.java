package dev.switchboard.keys;

import org.jspecify.annotations.Nullable;

/**
 * A key's new state, published on every change: persisted, counted in metrics, shared with other
 * instances.
 *
 * @param untilMillis epoch millis until which the key is out (0 when active, Long.MAX_VALUE when disabled)
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
}
