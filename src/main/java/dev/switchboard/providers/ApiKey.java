package dev.switchboard.providers;

import java.util.Objects;

/**
 * A provider API key. Only {@link #alias()} may ever leave the process: {@link #toString()} returns the
 * alias, so a key that slips into a log line or a message shows up as {@code groq#2}, never as the secret.
 */
public record ApiKey(String alias, String secret, int priority, long dailyLimit, boolean enabled) {

    public ApiKey {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(secret, "secret");
    }

    /** {@code sk-1234...cdef}: enough to recognise a key, not enough to use it. */
    public String masked() {
        return KeyMasking.mask(secret);
    }

    @Override
    public String toString() {
        return alias;
    }
}
