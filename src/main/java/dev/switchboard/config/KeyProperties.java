package dev.switchboard.config;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;

/**
 * One explicitly listed key. Prefer {@code key-env}; a literal {@code key} is meant for simulator
 * keys and tests, since a real secret in a file ends up in version control sooner or later.
 *
 * @param keyEnv name of the environment variable that holds the key
 * @param key the key itself
 * @param name alias shown in responses, logs and metrics (default {@code <provider>#<n>})
 * @param priority used by the {@code priority} strategy, lower first
 * @param dailyLimit calls per UTC day for this key, 0 = unlimited
 * @param enabled a disabled key is loaded but not used
 */
public record KeyProperties(
        @Nullable String keyEnv,
        @Nullable String key,
        @Nullable String name,
        @DefaultValue("100") int priority,
        @DefaultValue("0") long dailyLimit,
        @DefaultValue("true") boolean enabled) {

    @Override
    public String toString() {
        return "KeyProperties[keyEnv=" + keyEnv + ", name=" + name + "]";
    }
}
