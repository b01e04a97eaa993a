package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Path A: the auto-routed providers, starting at the next one in the round-robin, each with its next
 * usable key and its default model (or, once that model is at its daily limit, the next by priority),
 * through the cached (provider, key) client. Providers with an open circuit or at their daily limit are
 * skipped, and so is a provider whose model cannot honour the request ({@link ProviderClients#fit}). The first round gives every provider one try; further rounds try other keys, up to
 * {@code maxPerProvider} per provider.
 */
final class DefaultModelPlan implements RoutePlan {

    private final List<Provider> providers;
    private final ChatCommand command;
    private final ProviderClients clients;
    private final CandidateGate gate;
    private final int maxPerProvider;
    private final List<List<ApiKey>> rotations = new ArrayList<>();
    private final int[] cursors;
    private final int[] tries;
    private int index;

    DefaultModelPlan(List<Provider> providers, ChatCommand command, ProviderClients clients, CandidateGate gate,
            int maxPerProvider) {
        this.providers = providers;
        this.command = command;
        this.clients = clients;
        this.gate = gate;
        this.maxPerProvider = maxPerProvider;
        this.cursors = new int[providers.size()];
        this.tries = new int[providers.size()];
    }

    @Override
    public RoutePath path() {
        return RoutePath.DEFAULT;
    }

    @Override
    public @Nullable Candidate next() {
        int n = providers.size();
        for (int step = 0; step < n * (maxPerProvider + 1); step++) {
            int i = index;
            index = (index + 1) % Math.max(1, n);
            Candidate candidate = candidateOf(i);
            if (candidate != null) {
                return candidate;
            }
            if (allDone()) {
                return null;
            }
        }
        return null;
    }

    private @Nullable Candidate candidateOf(int i) {
        Provider provider = providers.get(i);
        if (tries[i] >= maxPerProvider || !gate.providerOpen(provider)) {
            return null;
        }
        String model = gate.model(provider, provider.defaultModel(), true);
        if (model == null) {
            return null;
        }
        ProviderClients.Fit fit = clients.fit(provider, model, command);
        if (!fit.ok()) {
            // this model cannot serve the request (its next model by priority may be chosen on a later day)
            tries[i] = maxPerProvider;
            return null;
        }
        List<ApiKey> keys = rotation(i);
        while (cursors[i] < keys.size()) {
            ApiKey key = keys.get(cursors[i]++);
            if (gate.take(provider, key, model)) {
                tries[i]++;
                return new Candidate(provider, key, model, clients.cached(provider, key), RoutePath.DEFAULT,
                        fit.withoutResponseFormat());
            }
        }
        return null;
    }

    private boolean allDone() {
        for (int i = 0; i < providers.size(); i++) {
            if (tries[i] < maxPerProvider && cursors[i] < rotation(i).size()) {
                return false;
            }
        }
        return true;
    }

    /** The provider's key order for this request, taken once (advancing its round-robin once). */
    private List<ApiKey> rotation(int providerIndex) {
        while (rotations.size() <= providerIndex) {
            rotations.add(providers.get(rotations.size()).keys().rotation());
        }
        return rotations.get(providerIndex);
    }

    @Override
    public long earliestRecovery(long now) {
        long earliest = Long.MAX_VALUE;
        for (Provider provider : providers) {
            if (gate.circuitOpen(provider)) {
                continue;
            }
            for (ApiKey key : provider.keys().keys()) {
                earliest = Math.min(earliest, gate.recoversAt(provider, key, provider.defaultModel()));
            }
        }
        return earliest;
    }
}
