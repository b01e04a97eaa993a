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
 * @param enabled {@code false} takes the model out of routing (seed 000's {@code enabled}): Path A uses the
 *     provider's next enabled model, Path B refuses it, {@code /v1/models} leaves it out
 */
public record ModelProperties(
        @Nullable String name,
        int priority,
        @Nullable Integer maxTokens,
        long dailyLimit,
        @Nullable Set<Capability> capabilities,
        boolean enabled) {

    @ConstructorBinding
    public ModelProperties(@Nullable String name, @DefaultValue("100") int priority, @Nullable Integer maxTokens,
            @DefaultValue("0") long dailyLimit, @Nullable Set<Capability> capabilities,
            @DefaultValue("true") boolean enabled) {
        this.name = name;
        this.priority = priority;
        this.maxTokens = maxTokens;
        this.dailyLimit = dailyLimit;
        this.capabilities = capabilities == null ? null : Set.copyOf(capabilities);
        this.enabled = enabled;
    }

    /** An enabled model with these capabilities. */
    public ModelProperties(@Nullable String name, int priority, @Nullable Integer maxTokens, long dailyLimit,
            @Nullable Set<Capability> capabilities) {
        this(name, priority, maxTokens, dailyLimit, capabilities, true);
    }

    /** An enabled model that can do everything its wire format carries. */
    public ModelProperties(@Nullable String name, int priority, @Nullable Integer maxTokens, long dailyLimit) {
        this(name, priority, maxTokens, dailyLimit, null, true);
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
