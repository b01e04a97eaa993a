package dev.switchboard.routing;

import dev.switchboard.chat.RoutePath;
import dev.switchboard.keys.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Path B: one provider, one model, each of its keys in rotation order, through on-demand clients. */
final class NamedModelPlan implements RoutePlan {

    private final Provider provider;
    private final String model;
    private final ProviderClients clients;
    private final List<ApiKey> keys;
    private int index;

    NamedModelPlan(Provider provider, String model, ProviderClients clients) {
        this.provider = provider;
        this.model = model;
        this.clients = clients;
        this.keys = provider.keys().rotation();
    }

    @Override
    public RoutePath path() {
        return RoutePath.MODEL;
    }

    @Override
    public @Nullable Candidate next() {
        if (index >= keys.size()) {
            return null;
        }
        ApiKey key = keys.get(index++);
        return new Candidate(provider, key, model, clients.onDemand(provider, key), RoutePath.MODEL);
    }

    @Override
    public String exhaustedCode() {
        return "all_keys_failed";
    }
}
