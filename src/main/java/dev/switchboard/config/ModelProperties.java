package dev.switchboard.config;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A model a provider serves.
 *
 * @param name the provider's model id
 * @param priority order for model fallback (lower first)
 * @param maxTokens default {@code max_tokens} when the client sends none (required by some APIs)
 * @param dailyLimit calls per UTC day for this model, 0 = unlimited
 * @param capabilities what the model can do beyond text; null (the default) means everything its wire
 *     format carries. Path A skips the model for requests that need more; Path B refuses them.
 */
public record ModelProperties(
        @Nullable String name,
        int priority,
        @Nullable Integer maxTokens,
        long dailyLimit,
        @Nullable Set<Capability> capabilities) {

    @ConstructorBinding
    public ModelProperties(@Nullable String name, @DefaultValue("100") int priority, @Nullable Integer maxTokens,
            @DefaultValue("0") long dailyLimit, @Nullable Set<Capability> capabilities) {
        this.name = name;
        this.priority = priority;
        this.maxTokens = maxTokens;
        this.dailyLimit = dailyLimit;
        this.capabilities = capabilities == null ? null : Set.copyOf(capabilities);
    }

    /** A model that can do everything its wire format carries. */
    public ModelProperties(@Nullable String name, int priority, @Nullable Integer maxTokens, long dailyLimit) {
        this(name, priority, maxTokens, dailyLimit, null);
    }

    /** Whether the model can do this (always, when no capabilities are configured). */
    public boolean can(Capability capability) {
        return capabilities == null || capabilities.contains(capability);
    }

    /** What a model may be able to do beyond text ({@code models[].capabilities}). */
    public enum Capability {
        /** Function calling: {@code tools}, {@code tool_choice}. */
        TOOLS,
        /** Image inputs. */
        VISION,
        /** {@code response_format: json_object}. */
        JSON_OBJECT,
        /** {@code response_format: json_schema} (structured outputs). */
        JSON_SCHEMA,
        /** Reasoning ({@code reasoning_effort}, a thinking budget). */
        REASONING
    }
}
