package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.UpstreamRequest;
import org.jspecify.annotations.Nullable;

/**
 * One thing to try: a provider, one of its keys, a model, and the client to call it with.
 *
 * @param withoutResponseFormat the command's optional response format is left out for this provider,
 *     which cannot honour it
 */
public record Candidate(Provider provider, ApiKey key, String model, ProviderClient client, RoutePath path,
        boolean withoutResponseFormat) {

    public Candidate(Provider provider, ApiKey key, String model, ProviderClient client, RoutePath path) {
        this(provider, key, model, client, path, false);
    }

    public RouteInfo route() {
        return new RouteInfo(provider.name(), key.alias(), model, path);
    }

    /** Whether this provider speaks the client's wire format, so the client's body is relayed as it came. */
    public boolean relays(ChatCommand command) {
        return relays(clientFormat(command));
    }

    /** Whether this provider speaks {@code clientFormat}, the format of a body the client sent to be relayed. */
    boolean relays(@Nullable WireFormat clientFormat) {
        return clientFormat != null && clientFormat == provider.format();
    }

    /** The wire format of the client's body when it may be relayed as it came; null when it may not. */
    static @Nullable WireFormat clientFormat(ChatCommand command) {
        Passthrough passthrough = command.passthrough();
        return passthrough == null ? null : passthrough.format();
    }

    /** The upstream request; {@code max_tokens} falls back to the model's configured default. */
    public UpstreamRequest request(ChatCommand command) {
        Integer maxTokens = command.maxTokens();
        if (maxTokens == null) {
            maxTokens = provider.model(model).map(ModelProperties::maxTokens).orElse(null);
        }
        return new UpstreamRequest(model, maxTokens, command, relays(command) ? command.passthrough() : null,
                withoutResponseFormat ? null : command.responseFormat());
    }
}
