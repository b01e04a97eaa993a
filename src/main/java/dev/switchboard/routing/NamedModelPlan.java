package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Path B: one provider and the named model (or, with model fallback allowed, the provider's next model
 * by priority once it is at its daily limit), each usable key in rotation order up to
 * {@code maxRetries}, through on-demand clients.
 */
final class NamedModelPlan implements RoutePlan {

    private final Provider provider;
    private final String model;
    private final ChatCommand command;
    private final boolean modelFallback;
    private final ProviderClients clients;
    private final CandidateGate gate;
    private final int maxRetries;
    private final List<ApiKey> keys;
    private int cursor;
    private int tries;

    NamedModelPlan(Provider provider, String model, ChatCommand command, ProviderClients clients, CandidateGate gate,
            int maxRetries) {
        this.provider = provider;
        this.model = model;
        this.command = command;
        this.modelFallback = command.modelFallback();
        this.clients = clients;
        this.gate = gate;
        this.maxRetries = maxRetries;
        this.keys = provider.keys().rotation();
    }

    Provider provider() {
        return provider;
    }

    @Override
    public RoutePath path() {
        return RoutePath.MODEL;
    }

    @Override
    public @Nullable Candidate next() {
        if (tries >= maxRetries || limitReached()) {
            return null;
        }
        String usableModel = gate.model(provider, model, modelFallback);
        if (usableModel == null) {
            return null;
        }
        ProviderClients.Fit fit = clients.fit(provider, usableModel, command);
        if (!fit.ok()) {
            // the named model was checked when the request was planned; a fallback model may not fit
            return null;
        }
        while (cursor < keys.size()) {
            ApiKey key = keys.get(cursor++);
            if (gate.take(provider, key, usableModel)) {
                tries++;
                return new Candidate(provider, key, usableModel, clients.onDemand(provider, key), RoutePath.MODEL,
                        fit.withoutResponseFormat());
            }
        }
        return null;
    }

    private boolean limitReached() {
        return !gate.providerOpen(provider) && !gate.circuitOpen(provider);
    }

    @Override
    public long earliestRecovery(long now) {
        long earliest = Long.MAX_VALUE;
        for (ApiKey key : provider.keys().keys()) {
            earliest = Math.min(earliest, gate.recoversAt(provider, key, model));
        }
        return earliest;
    }
}
