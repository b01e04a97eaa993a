package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Path B: one provider and the named model (or, with model fallback allowed, the provider's next model
 * by priority once it is at its daily limit), each usable key in rotation order until the provider has
 * failed {@code maxRetries} times for reasons of its own (see {@link RoutePlan}), through on-demand clients.
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
    private int troubles;

    NamedModelPlan(Provider provider, String model, ChatCommand command, ProviderClients clients, CandidateGate gate,
            int maxRetries, Paces paces, long affinity) {
        this.provider = provider;
        this.model = model;
        this.command = command;
        this.modelFallback = command.modelFallback();
        this.clients = clients;
        this.gate = gate;
        this.maxRetries = maxRetries;
        this.keys = Affinity.heaviestFirst(
                paces.order(provider, provider.keys().rotation(), key -> gate.usable(provider, key)),
                affinity, key -> gate.usable(provider, key), ApiKey::alias);
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
        if (troubles >= maxRetries || limitReached()) {
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
    public void failed(Candidate candidate, ErrorClass errorClass) {
        if (errorClass.providerTrouble()) {
            troubles++;
        }
    }

    @Override
    public boolean usableNow() {
        return gate.providerOpen(provider) && gate.anyUsable(provider, model);
    }

    @Override
    public @Nullable Recovery earliestRecovery(long now) {
        return gate.earliestRecovery(provider, model);
    }

    @Override
    public boolean noValidKey() {
        return !gate.anyValid(provider);
    }
}
