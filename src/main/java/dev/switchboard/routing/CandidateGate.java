package dev.switchboard.routing;

import dev.switchboard.config.ModelProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a provider, model and key may be used for the next attempt: key health, daily limits
 * (key, model, provider) and the provider's circuit. Taking a key counts the call.
 */
public final class CandidateGate {

    private final KeyHealth health;
    private final DailyLimits limits;
    private final ProviderGuards guards;

    public CandidateGate(KeyHealth health, DailyLimits limits, ProviderGuards guards) {
        this.health = health;
        this.limits = limits;
        this.guards = guards;
    }

    /** Closed circuit (or half-open) and not at the provider's daily limit. */
    public boolean providerOpen(Provider provider) {
        return !guards.circuitOpen(provider) && !limits.providerExhausted(provider);
    }

    public boolean circuitOpen(Provider provider) {
        return guards.circuitOpen(provider);
    }

    /**
     * The model to use: the wanted one while it has calls left today, else (when fallback is allowed)
     * the provider's next model by priority that has; null when none.
     */
    public @Nullable String model(Provider provider, String wanted, boolean modelFallback) {
        if (!limits.modelExhausted(provider, wanted)) {
            return wanted;
        }
        if (!modelFallback) {
            return null;
        }
        for (ModelProperties model : provider.models()) {
            if (!model.name().equals(wanted) && !limits.modelExhausted(provider, model.name())) {
                return model.name();
            }
        }
        return null;
    }

    /** Takes the key for one call if it is healthy and under its limits; the call is counted. */
    public boolean take(Provider provider, ApiKey key, String model) {
        return key.enabled() && health.usable(provider, key) && limits.tryAcquire(provider, key, model);
    }

    /**
     * Epoch millis when a key that is out now (cooling, or this key, model or provider at its daily
     * limit) comes back; Long.MAX_VALUE when it is usable now (nothing to wait for) or will not come back
     * by itself (disabled).
     */
    public long recoversAt(Provider provider, ApiKey key, String model) {
        if (!key.enabled()) {
            return Long.MAX_VALUE;
        }
        boolean healthy = health.usable(provider, key);
        boolean limited = limits.keyExhausted(provider, key) || limits.modelExhausted(provider, model)
                || limits.providerExhausted(provider);
        if (healthy && !limited) {
            return Long.MAX_VALUE;
        }
        long at = healthy ? 0 : health.usableAt(provider, key);
        return limited ? Math.max(at, limits.nextReset().toEpochMilli()) : at;
    }

    public ProviderGuards guards() {
        return guards;
    }
}
