package dev.switchboard.status;

import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.routing.PaceView;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.routing.UnknownModels;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** Builds the key-pool views of every provider from health, limits and circuit state. */
public final class KeyPoolReport {

    private final ProviderRegistry registry;
    private final KeyHealth health;
    private final DailyLimits limits;
    private final ProviderGuards guards;
    private final UnknownModels unknownModels;
    private final Paces paces;

    public KeyPoolReport(ProviderRegistry registry, KeyHealth health, DailyLimits limits, ProviderGuards guards,
            UnknownModels unknownModels, Paces paces) {
        this.paces = paces;
        this.registry = registry;
        this.health = health;
        this.limits = limits;
        this.guards = guards;
        this.unknownModels = unknownModels;
    }

    public List<ProviderPoolView> pools() {
        return registry.all().stream().map(this::pool).toList();
    }

    public ProviderPoolView pool(Provider provider) {
        CircuitBreaker.State circuit = guards.circuitBreaker(provider).getState();
        int usable = health.usableCount(provider);
        long calls = limits.used(DailyLimits.Scope.PROVIDER, provider.name(), "");
        boolean limitReached = limits.providerExhausted(provider);
        List<String> unknown = unknownModels.of(provider.name());
        String status;
        if (!provider.enabled() || provider.keys().size() == 0 || circuit == CircuitBreaker.State.OPEN
                || circuit == CircuitBreaker.State.FORCED_OPEN) {
            status = "down";
        } else if (usable == 0 || limitReached || circuit == CircuitBreaker.State.HALF_OPEN
                || unknown.contains(provider.defaultModel())) {
            status = "degraded";
        } else {
            status = "healthy";
        }
        return new ProviderPoolView(provider.name(), provider.type().name().toLowerCase(Locale.ROOT),
                provider.format().name().toLowerCase(Locale.ROOT), status, circuit.name().toLowerCase(Locale.ROOT),
                usable, provider.keys().size(), calls, provider.dailyLimit(),
                provider.dailyLimit() == 0 ? null : Math.max(0, provider.dailyLimit() - calls), limits.nextReset(),
                provider.defaultModel(), unknown, health.view(provider), paces.view(provider.name()),
                keyPaces(provider));
    }

    private Map<String, PaceView> keyPaces(Provider provider) {
        Map<String, PaceView> views = new LinkedHashMap<>();
        for (ApiKey key : provider.keys().keys()) {
            views.put(key.alias(), paces.view(provider.name(), key.alias()));
        }
        return views;
    }
}
