package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Path A: the providers in the order the router chose, each with its next usable key and its default
 * model (or the model the request's route names for it; once that model is at its daily limit or disabled,
 * the next by priority), through the cached (provider, key) client. Round-robin order takes one key of each
 * provider per round; priority order ({@code exhaustive}) takes every usable key of a provider before the
 * next provider. Providers with an open circuit or at their daily limit are
 * skipped, and so is a provider whose model cannot honour the request ({@link ProviderClients#fit}) or
 * does not exist upstream ({@link UnknownModels}). The first round gives every provider one try; further
 * rounds try other keys, until a provider has failed {@code maxPerProvider} times for reasons of its own
 * (see {@link RoutePlan} for the budget rule).
 */
final class DefaultModelPlan implements RoutePlan {

    private final List<Provider> providers;
    private final ChatCommand command;
    private final ProviderClients clients;
    private final CandidateGate gate;
    private final int maxPerProvider;
    private final boolean exhaustive;
    private final Map<String, String> models;
    private final Paces paces;
    private final long affinity;
    private final List<List<ApiKey>> rotations = new ArrayList<>();
    private final int[] cursors;
    private final int[] troubles;
    private final boolean[] unfit;
    private int index;

    /**
     * @param exhaustive every usable key of a provider before the next provider (priority order)
     * @param models the model to use per provider name instead of its default model
     * @param paces the running figures behind {@code key-strategy: latency}
     * @param affinity the request's prompt-cache affinity hash (0: none)
     */
    DefaultModelPlan(List<Provider> providers, ChatCommand command, ProviderClients clients, CandidateGate gate,
            int maxPerProvider, boolean exhaustive, Map<String, String> models, Paces paces, long affinity) {
        this.exhaustive = exhaustive;
        this.models = models;
        this.paces = paces;
        this.affinity = affinity;
        this.providers = providers;
        this.command = command;
        this.clients = clients;
        this.gate = gate;
        this.maxPerProvider = maxPerProvider;
        this.cursors = new int[providers.size()];
        this.troubles = new int[providers.size()];
        this.unfit = new boolean[providers.size()];
    }

    @Override
    public RoutePath path() {
        return RoutePath.DEFAULT;
    }

    @Override
    public @Nullable Candidate next() {
        int n = providers.size();
        if (exhaustive) {
            for (int i = 0; i < n; i++) {
                Candidate candidate = candidateOf(i);
                if (candidate != null) {
                    return candidate;
                }
            }
            return null;
        }
        for (int step = 0; step < n; step++) {
            int i = index;
            index = (index + 1) % n;
            Candidate candidate = candidateOf(i);
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    private @Nullable Candidate candidateOf(int i) {
        Provider provider = providers.get(i);
        if (unfit[i] || troubles[i] >= maxPerProvider || !gate.providerOpen(provider)) {
            return null;
        }
        String model = gate.model(provider, wanted(provider), true);
        if (model == null) {
            return null;
        }
        ProviderClients.Fit fit = clients.fit(provider, model, command);
        if (!fit.ok() || gate.modelUnknown(provider, model)) {
            unfit[i] = true;
            return null;
        }
        List<ApiKey> keys = rotation(i);
        while (cursors[i] < keys.size()) {
            ApiKey key = keys.get(cursors[i]++);
            if (gate.take(provider, key, model)) {
                return new Candidate(provider, key, model, clients.cached(provider, key), RoutePath.DEFAULT,
                        fit.withoutResponseFormat());
            }
        }
        return null;
    }

    @Override
    public void failed(Candidate candidate, ErrorClass errorClass) {
        if (errorClass.providerTrouble()) {
            int i = providers.indexOf(candidate.provider());
            if (i >= 0) {
                troubles[i]++;
            }
        }
    }

    /** The model this request wants of the provider: the route's, else the provider's default model. */
    private String wanted(Provider provider) {
        return models.getOrDefault(provider.name(), provider.defaultModel());
    }

    /**
     * The provider's key order for this request, taken once (advancing its round-robin once); with
     * {@code key-strategy: latency} the power of two choices picks the first ({@link Paces#order}).
     */
    private List<ApiKey> rotation(int providerIndex) {
        while (rotations.size() <= providerIndex) {
            Provider provider = providers.get(rotations.size());
            rotations.add(Affinity.heaviestFirst(
                    paces.order(provider, provider.keys().rotation(), key -> gate.usable(provider, key)),
                    affinity, key -> gate.usable(provider, key), ApiKey::alias));
        }
        return rotations.get(providerIndex);
    }

    @Override
    public boolean usableNow() {
        for (int i = 0; i < providers.size(); i++) {
            Provider provider = providers.get(i);
            if (!unfit[i] && gate.providerOpen(provider) && gate.anyUsable(provider, wanted(provider))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public @Nullable Recovery earliestRecovery(long now) {
        Recovery earliest = null;
        for (int i = 0; i < providers.size(); i++) {
            Provider provider = providers.get(i);
            if (!unfit[i] && !gate.circuitOpen(provider)) {
                earliest = Recovery.earlier(earliest, gate.earliestRecovery(provider, wanted(provider)));
            }
        }
        return earliest;
    }

    @Override
    public boolean noValidKey() {
        for (int i = 0; i < providers.size(); i++) {
            if (!unfit[i] && gate.anyValid(providers.get(i))) {
                return false;
            }
        }
        return !providers.isEmpty();
    }
}
