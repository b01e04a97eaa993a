package dev.switchboard.routing;

import dev.switchboard.chat.RoutePath;
import dev.switchboard.keys.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Path A: the routable providers, starting at the next one in the round-robin, each with its next key
 * and its default model, through the cached (provider, key) client. The first round gives every provider
 * one try; later rounds (while attempts remain) try each provider's other keys, so a healthy key is never
 * left unused while the request fails.
 */
final class DefaultModelPlan implements RoutePlan {

    private final List<Provider> providers;
    private final ProviderClients clients;
    private final List<List<ApiKey>> rotations;
    private int round;
    private int index;

    DefaultModelPlan(List<Provider> providers, ProviderClients clients) {
        this.providers = providers;
        this.clients = clients;
        this.rotations = new ArrayList<>(providers.size());
    }

    @Override
    public RoutePath path() {
        return RoutePath.DEFAULT;
    }

    @Override
    public @Nullable Candidate next() {
        while (true) {
            boolean anyLeft = false;
            while (index < providers.size()) {
                int i = index++;
                List<ApiKey> keys = rotation(i);
                if (keys.size() > round) {
                    Provider provider = providers.get(i);
                    ApiKey key = keys.get(round);
                    return new Candidate(provider, key, provider.defaultModel(), clients.cached(provider, key),
                            RoutePath.DEFAULT);
                }
            }
            for (int i = 0; i < providers.size(); i++) {
                anyLeft |= rotation(i).size() > round + 1;
            }
            if (!anyLeft) {
                return null;
            }
            round++;
            index = 0;
        }
    }

    /** The provider's key order for this request, taken once (advancing its round-robin once). */
    private List<ApiKey> rotation(int providerIndex) {
        while (rotations.size() <= providerIndex) {
            rotations.add(providers.get(rotations.size()).keys().rotation());
        }
        return rotations.get(providerIndex);
    }

    @Override
    public String exhaustedCode() {
        return "all_providers_failed";
    }
}
