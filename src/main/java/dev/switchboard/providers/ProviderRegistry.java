package dev.switchboard.providers;

import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.KeyProperties;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ProviderProperties;
import dev.switchboard.config.ProviderType;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.config.SwitchboardProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All configured providers, ordered by priority then name, each with its key pool. Providers that are
 * disabled stay listed (for status pages) but are not routable; enabled providers without any key
 * are reported at startup and not routable either.
 */
public final class ProviderRegistry {

    private static final Logger log = LoggerFactory.getLogger(ProviderRegistry.class);

    /** Defaults a provider takes when it does not set its own. */
    public record Defaults(long dailyLimit, int maxConcurrent, KeyStrategy strategy) {

        /** The defaults {@code switchboard.*} sets: daily limit, bulkhead size and key order. */
        public static Defaults of(SwitchboardProperties properties) {
            return new Defaults(properties.keys().providerDailyLimit(), properties.resilience().maxConcurrentCalls(),
                    properties.routing().keyStrategy());
        }
    }

    private volatile Snapshot snapshot;

    public ProviderRegistry(List<Provider> providers) {
        this.snapshot = new Snapshot(providers);
    }

    /**
     * Swaps in a new set of providers (configuration reload). Requests already running keep the
     * {@link Provider} objects they started with, so nothing in flight is dropped.
     */
    public void replace(List<Provider> providers) {
        this.snapshot = new Snapshot(providers);
    }

    /**
     * Recomputes which providers are routable after keys were added or removed at runtime (a provider whose
     * pool was empty becomes routable with its first key).
     */
    public void refresh() {
        this.snapshot = new Snapshot(new ArrayList<>(snapshot.byName.values()));
    }

    /**
     * Builds the providers from configuration.
     *
     * @param simulatorUrl root URL of the running simulator, or null when it is disabled (then
     *     simulator providers are dropped)
     */
    public static List<Provider> build(Map<String, ProviderProperties> config, KeySources keySources,
            @Nullable String simulatorUrl, Defaults defaults, KeyPool.Remaining callsRemaining) {
        List<Provider> providers = new ArrayList<>();
        config.forEach((name, p) -> {
            if (p.type() == ProviderType.SIMULATOR && simulatorUrl == null) {
                log.info("Provider {} dropped: the simulator is disabled", name);
                return;
            }
            List<ApiKey> keys = keySources.load(name, p.apiKeys() == null ? List.<KeyProperties>of() : p.apiKeys());
            if (p.enabled() && keys.isEmpty()) {
                log.warn("Provider {} has no API keys (set {}_API_KEYS, {}_API_KEY_1.., {}_API_KEY or api-keys); "
                        + "it will not be routed to", name, KeySources.envPrefix(name), KeySources.envPrefix(name),
                        KeySources.envPrefix(name));
            }
            providers.add(new Provider(name, p.type(), formatOf(p), baseUrl(p, simulatorUrl), p.defaultModel(),
                    models(p), p.priority(), p.enabled(), p.autoRoute(), Map.copyOf(p.headers()),
                    p.dailyLimit() != null ? p.dailyLimit() : defaults.dailyLimit(),
                    p.maxConcurrent() != null ? p.maxConcurrent() : defaults.maxConcurrent(),
                    List.copyOf(p.errorOverrides()),
                    new KeyPool(name, keys, p.keyStrategy() != null ? p.keyStrategy() : defaults.strategy(),
                            callsRemaining), p.keyFormatCheck()));
            log.info("Provider {} ({}): {} key(s) [{}], default model {}", name, p.type().name().toLowerCase(Locale.ROOT),
                    keys.size(), String.join(", ", keys.stream().map(ApiKey::alias).toList()), p.defaultModel());
        });
        return providers;
    }

    public List<Provider> all() {
        return List.copyOf(snapshot.byName.values());
    }

    /** Enabled providers with at least one key, by priority. */
    public List<Provider> routable() {
        return snapshot.routable;
    }

    /**
     * The providers Path A rotates over: routable, not excluded with {@code auto-route: false}, and with at
     * least one enabled model.
     */
    public List<Provider> autoRoutable() {
        return snapshot.autoRoutable;
    }

    public Optional<Provider> get(String name) {
        return Optional.ofNullable(snapshot.byName.get(name));
    }

    /** The first provider (by priority) that lists this model. */
    /** Whether a model name names a route: {@code provider/model} with a configured provider, or a configured model. */
    public boolean routes(String model) {
        int slash = model.indexOf('/');
        return slash > 0 && get(model.substring(0, slash)).isPresent() || findByModel(model).isPresent();
    }

    public Optional<Provider> findByModel(String model) {
        for (Provider p : snapshot.byName.values()) {
            if (p.serves(model)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static WireFormat formatOf(ProviderProperties p) {
        return switch (p.type()) {
            case SIMULATOR -> p.format();
            case OPENAI -> WireFormat.OPENAI;
            case ANTHROPIC -> WireFormat.ANTHROPIC;
            case GEMINI -> WireFormat.GEMINI;
        };
    }

    /**
     * The API root the adapter appends its paths to. OpenAI-compatible roots are taken as configured
     * (they differ per vendor: {@code .../v1}, {@code .../openai/v1}, {@code .../api/v1}). Anthropic and
     * Gemini are configured by host ({@code https://api.anthropic.com},
     * {@code https://generativelanguage.googleapis.com}) and get their version segment here, unless the
     * configured URL already ends with it. A simulator provider points at the running simulator's
     * endpoints for its format.
     */
    static String baseUrl(ProviderProperties p, @Nullable String simulatorUrl) {
        String url = p.type() == ProviderType.SIMULATOR ? simulatorUrl : p.baseUrl().trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return switch (formatOf(p)) {
            case OPENAI -> p.type() == ProviderType.SIMULATOR ? url + "/v1" : url;
            case ANTHROPIC -> url.endsWith("/v1") ? url : url + "/v1";
            case GEMINI -> url.endsWith("/v1beta") || url.endsWith("/v1") ? url : url + "/v1beta";
        };
    }

    /** The configured models by priority, with the default model added when it is not listed. */
    private static List<ModelProperties> models(ProviderProperties p) {
        List<ModelProperties> models = new ArrayList<>(p.models());
        boolean listed = models.stream().anyMatch(m -> m.name().equals(p.defaultModel()));
        if (!listed) {
            models.add(0, new ModelProperties(p.defaultModel(), 0, null, 0));
        } else if (models.stream().noneMatch(m -> m.name().equals(p.defaultModel()) && m.enabled())) {
            log.info("The default model {} is disabled: Path A uses the next enabled model by priority", p.defaultModel());
        }
        models.sort(Comparator.comparingInt(ModelProperties::priority));
        return List.copyOf(models);
    }

    /** An immutable view of the providers, replaced as a whole on reload. */
    private static final class Snapshot {
        private final Map<String, Provider> byName;
        private final List<Provider> routable;
        private final List<Provider> autoRoutable;

        Snapshot(List<Provider> providers) {
            List<Provider> sorted = new ArrayList<>(providers);
            sorted.sort(Comparator.comparingInt(Provider::priority).thenComparing(Provider::name));
            Map<String, Provider> map = new LinkedHashMap<>();
            sorted.forEach(p -> map.put(p.name(), p));
            this.byName = map;
            this.routable = sorted.stream().filter(p -> p.enabled() && p.keys().size() > 0).toList();
            this.autoRoutable = routable.stream().filter(p -> p.autoRoute() && !p.enabledModels().isEmpty()).toList();
        }
    }
}
