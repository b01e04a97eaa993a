package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamRequest;

/** One thing to try: a provider, one of its keys, a model, and the client to call it with. */
public record Candidate(Provider provider, ApiKey key, String model, ProviderClient client, RoutePath path) {

    public RouteInfo route() {
        return new RouteInfo(provider.name(), key.alias(), model, path);
    }

    /** The upstream request; {@code max_tokens} falls back to the model's configured default. */
    public UpstreamRequest request(ChatCommand command) {
        Integer maxTokens = command.maxTokens();
        if (maxTokens == null) {
            maxTokens = provider.model(model).map(ModelProperties::maxTokens).orElse(null);
        }
        return new UpstreamRequest(model, command.messages(), maxTokens, command.temperature());
    }
}
