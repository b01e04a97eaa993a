package dev.switchboard.providers;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.GenerationOptions;
import dev.switchboard.chat.Passthrough;
import dev.switchboard.chat.ResponseFormat;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ModelProperties.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Where routing gets its clients. Path A uses {@link #cached}: one client per (provider, key), built
 * once and reused. Path B uses {@link #onDemand}: a fresh client for the request, not kept. Both kinds
 * come from the same {@link Factory}: they share one connection pool, and the HTTP factory builds the
 * transport underneath (base URL, key header) once per (provider, key), so a fresh client is cheap.
 */
public final class ProviderClients {

    /** Builds a client for one provider and key. */
    @FunctionalInterface
    public interface Factory {
        ProviderClient create(Provider provider, ApiKey key);

        /** Parameters of the command this wire format has no way to carry (request field names). */
        default List<String> unsupported(WireFormat format, ChatCommand command) {
            return List.of();
        }
    }

    /**
     * Whether a provider's model can serve a command.
     *
     * @param unsupported the request parameters it cannot honour (empty: it can serve the command)
     * @param withoutResponseFormat it can, once the command's optional response format is left out
     */
    public record Fit(List<String> unsupported, boolean withoutResponseFormat) {

        public boolean ok() {
            return unsupported.isEmpty();
        }
    }

    private final Factory factory;
    private final Map<String, ProviderClient> cache = new ConcurrentHashMap<>();

    public ProviderClients(Factory factory) {
        this.factory = factory;
    }

    /** Path A: the cached client of this (provider, key). */
    public ProviderClient cached(Provider provider, ApiKey key) {
        return cache.computeIfAbsent(provider.name() + '\u0000' + key.alias(), id -> factory.create(provider, key));
    }

    /** Path B: a client made for this request only. */
    public ProviderClient onDemand(Provider provider, ApiKey key) {
        return factory.create(provider, key);
    }

    /**
     * What the provider's model cannot honour of the command: the model's configured capabilities (tools,
     * vision, JSON modes, reasoning), the wire format's own limits, and, when the client's body is relayed
     * to providers of its format only, its fields that have no mapping to this provider's format.
     */
    public Fit fit(Provider provider, String model, ChatCommand command) {
        List<String> missing = new ArrayList<>(2);
        ModelProperties configured = provider.model(model).orElse(null);
        if (!command.tools().isEmpty() && !can(configured, Capability.TOOLS)) {
            missing.add("tools");
        }
        if (command.images() > 0 && !can(configured, Capability.VISION)) {
            missing.add("image_url");
        }
        if (reasons(command.options()) && !can(configured, Capability.REASONING)) {
            missing.add("reasoning_effort");
        }
        ResponseFormat format = command.responseFormat();
        boolean formatMissing = format != null && (format.type() == ResponseFormat.Type.JSON_OBJECT
                && !can(configured, Capability.JSON_OBJECT) || format.type() == ResponseFormat.Type.JSON_SCHEMA
                && !can(configured, Capability.JSON_SCHEMA));
        for (String param : factory.unsupported(provider.format(), command)) {
            if ("response_format".equals(param)) {
                formatMissing = true;
            } else if (!missing.contains(param)) {
                missing.add(param);
            }
        }
        Passthrough passthrough = command.passthrough();
        if (passthrough != null && passthrough.format() != provider.format()) {
            missing.addAll(passthrough.unknownFields());
        }
        boolean dropFormat = formatMissing && command.formatOptional();
        if (formatMissing && !dropFormat) {
            missing.add("response_format");
        }
        return new Fit(List.copyOf(missing), dropFormat);
    }

    private static boolean can(@Nullable ModelProperties model, Capability capability) {
        return model == null || model.can(capability);
    }

    private static boolean reasons(GenerationOptions options) {
        return options.reasoningEffort() != null || options.thinkingBudget() != null;
    }

    /** Number of cached clients. */
    public int cachedCount() {
        return cache.size();
    }
}
