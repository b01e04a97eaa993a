package dev.switchboard.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How Path A should route one request beyond the global settings: a task type's {@code default_provider},
 * {@code default_model}, {@code fallback_providers} and {@code provider_order} (seed 000's task settings).
 *
 * @param providers tried first, in this order (after a request's own {@code preferred_provider}); names that
 *     are not configured or are disabled are skipped
 * @param firstModel the model for the first of {@code providers}; null: its default model
 * @param only try only these providers (the task listed its fallbacks); false: the others follow in the
 *     usual order
 * @param order the order of this request; null: {@code switchboard.routing.provider-order}
 */
public record RoutePreference(List<String> providers, @Nullable String firstModel, boolean only,
        @Nullable ProviderOrder order) {

    public RoutePreference {
        providers = List.copyOf(providers);
    }
}
