package dev.switchboard.routing;

import dev.switchboard.config.ModelProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyStatus;
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
    private final UnknownModels unknownModels;

    public CandidateGate(KeyHealth health, DailyLimits limits, ProviderGuards guards, UnknownModels unknownModels) {
        this.health = health;
        this.limits = limits;
        this.guards = guards;
        this.unknownModels = unknownModels;
    }

    /** Closed circuit (or half-open) and not at the provider's daily limit. */
    public boolean providerOpen(Provider provider) {
        return !guards.circuitOpen(provider) && !limits.providerExhausted(provider);
    }

    public boolean circuitOpen(Provider provider) {
        return guards.circuitOpen(provider);
    }

    /**
     * The model to use: the wanted one while it is enabled and has calls left today, else (when fallback is
     * allowed) the provider's next enabled model by priority that has; null when none.
     */
    public @Nullable String model(Provider provider, String wanted, boolean modelFallback) {
        if (!provider.modelDisabled(wanted) && !limits.modelExhausted(provider, wanted)) {
            return wanted;
        }
        if (!modelFallback) {
            return null;
        }
        for (ModelProperties model : provider.enabledModels()) {
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

    /** Whether the key could take a call now (healthy, under its own daily limit), without taking it. */
    public boolean usable(Provider provider, ApiKey key) {
        return key.enabled() && health.usable(provider, key) && !limits.keyExhausted(provider, key);
    }

    /** Whether some key of the provider could take a call for this model now (without taking it). */
    public boolean anyUsable(Provider provider, String model) {
        if (limits.providerExhausted(provider) || limits.modelExhausted(provider, model)) {
            return false;
        }
        for (ApiKey key : provider.keys().keys()) {
            if (key.enabled() && health.usable(provider, key) && !limits.keyExhausted(provider, key)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some key of the provider is neither invalid nor disabled (it works, or will by itself). */
    public boolean anyValid(Provider provider) {
        for (ApiKey key : provider.keys().keys()) {
            if (valid(provider, key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first key of the provider that is out now and comes back by itself for this model: a cooldown
     * that ends, or a key, model or provider daily limit that resets at 00:00 UTC. Invalid and disabled keys
     * come back only when fixed; null when no key will come back by itself, or one is usable now.
     */
    public RoutePlan.@Nullable Recovery earliestRecovery(Provider provider, String model) {
        RoutePlan.Recovery earliest = null;
        for (ApiKey key : provider.keys().keys()) {
            long at = recoversAt(provider, key, model);
            if (at != Long.MAX_VALUE) {
                earliest = RoutePlan.Recovery.earlier(earliest,
                        new RoutePlan.Recovery(at, provider.name(), key.alias(), model));
            }
        }
        return earliest;
    }

    /** Whether the provider said it does not know this model, lately. */
    public boolean modelUnknown(Provider provider, String model) {
        return unknownModels.unknown(provider, model);
    }

    /**
     * Epoch millis when a key that is out now (cooling, or this key, model or provider at its daily limit)
     * comes back; Long.MAX_VALUE when it is usable now (nothing to wait for) or will not come back by itself
     * (disabled, or invalid until a check passes).
     */
    long recoversAt(Provider provider, ApiKey key, String model) {
        if (!valid(provider, key)) {
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

    private boolean valid(Provider provider, ApiKey key) {
        if (!key.enabled()) {
            return false;
        }
        KeyStatus status = health.status(provider, key);
        return status != KeyStatus.INVALID && status != KeyStatus.DISABLED;
    }

    public ProviderGuards guards() {
        return guards;
    }
}
