package dev.switchboard.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Prompt-cache affinity ({@code switchboard.routing.affinity.*}): requests of one conversation go to the same
 * key (and on Path A the same provider), where the provider has their prompt prefix in its cache. Read at
 * startup.
 *
 * @param enabled off: keys and providers are chosen as if there were no affinity
 * @param turns how many messages after the system prompt belong to the conversation's prefix (1: the first
 *     user message); a request with fewer has no derived affinity
 * @param minPromptChars a derived affinity (from the prefix or the {@code user} field) applies only to
 *     prompts at least this long: providers cache only long prefixes (OpenAI from 1,024 tokens, about 4,096
 *     characters); an explicit key ({@code x-switchboard-affinity}, {@code prompt_cache_key}) always applies
 */
@ConfigurationProperties("switchboard.routing.affinity")
public record AffinityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int turns,
        @DefaultValue("4096") int minPromptChars) {

    public AffinityProperties {
        if (turns < 1 || minPromptChars < 0) {
            throw new IllegalArgumentException("switchboard.routing.affinity.turns must be at least 1 and "
                    + "min-prompt-chars not negative");
        }
    }

    public static AffinityProperties defaults() {
        return new AffinityProperties(true, 1, 4096);
    }

    public static AffinityProperties off() {
        return new AffinityProperties(false, 1, 4096);
    }
}
