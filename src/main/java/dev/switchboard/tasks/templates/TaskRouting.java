package dev.switchboard.tasks.templates;

import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.RoutePreference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where a task type's requests go when the request names no model (seed 000's task settings):
 * {@code default_provider} with {@code default_model} first, then {@code fallback_providers} in that order
 * (only those, when the task lists them; otherwise every other provider in the usual order), in the task's
 * {@code provider_order} or the global one. Each field is inherited from the base task unless set.
 *
 * @param defaultProvider tried first (after a request's own {@code preferred_provider}); null: none
 * @param defaultModel the model used on {@code defaultProvider}; null: its default model
 * @param fallbackProviders tried after it, in this order, and no others; null: all others
 * @param providerOrder {@code round-robin} or {@code priority} for this task; null: the global setting
 */
public record TaskRouting(@Nullable String defaultProvider, @Nullable String defaultModel,
        @Nullable List<String> fallbackProviders, @Nullable ProviderOrder providerOrder) {

    public static final TaskRouting NONE = new TaskRouting(null, null, null, null);

    public TaskRouting {
        fallbackProviders = fallbackProviders == null ? null : List.copyOf(fallbackProviders);
    }

    /** The fields the task sets over the inherited ones; a bad {@code provider_order} is reported by the caller. */
    TaskRouting with(TaskSpec spec) {
        return new TaskRouting(
                spec.defaultProvider() != null ? spec.defaultProvider().strip() : defaultProvider,
                spec.defaultModel() != null ? spec.defaultModel().strip() : defaultModel,
                spec.fallbackProviders() != null ? spec.fallbackProviders().stream().map(String::strip).toList()
                        : fallbackProviders,
                spec.providerOrder() != null ? parseOrder(spec.providerOrder()) : providerOrder);
    }

    /** {@code round-robin} (or {@code round_robin}) or {@code priority}; null when it is neither. */
    static @Nullable ProviderOrder parseOrder(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "round-robin" -> ProviderOrder.ROUND_ROBIN;
            case "priority" -> ProviderOrder.PRIORITY;
            default -> null;
        };
    }

    /** What a request of this task asks of Path A; null when the task sets no routing of its own. */
    public @Nullable RoutePreference preference() {
        if (this.equals(NONE)) {
            return null;
        }
        List<String> providers = new ArrayList<>();
        if (defaultProvider != null) {
            providers.add(defaultProvider);
        }
        if (fallbackProviders != null) {
            fallbackProviders.stream().filter(p -> !providers.contains(p)).forEach(providers::add);
        }
        return new RoutePreference(providers, defaultProvider == null ? null : defaultModel, fallbackProviders != null,
                providerOrder);
    }

    /** {@code provider_order} as written in templates, or null. */
    public @Nullable String providerOrderName() {
        return providerOrder == null ? null : providerOrder.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
