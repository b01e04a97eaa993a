package dev.switchboard.config;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;

/**
 * A model a provider serves.
 *
 * @param name the provider's model id
 * @param priority order for model fallback (lower first)
 * @param maxTokens default {@code max_tokens} when the client sends none (required by some APIs)
 * @param dailyLimit calls per UTC day for this model, 0 = unlimited
 */
public record ModelProperties(
        @Nullable String name,
        @DefaultValue("100") int priority,
        @Nullable Integer maxTokens,
        @DefaultValue("0") long dailyLimit) {
}
