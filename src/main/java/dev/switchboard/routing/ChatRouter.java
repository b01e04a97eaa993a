package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.NameLimits;
import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.ProviderUnavailableException;
import dev.switchboard.chat.RoutePreference;
import dev.switchboard.config.AffinityProperties;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Chooses the path and builds the request's {@link RoutePlan}.
 *
 * <ul>
 *   <li>no model (or {@code auto}) and no provider: Path A over all routable providers, in the provider
 *       order ({@code round-robin}, {@code priority}, or {@code latency}: the fastest of two drawn at random
 *       first, see {@link Paces}), a {@code preferred_provider} and a task's providers first;
 *   <li>{@code provider} + {@code model}, or {@code model: "provider/model"}: Path B on that provider
 *       (any model name is passed through, as the provider may serve models not listed here);
 *   <li>{@code provider} alone: Path B with that provider's default model;
 *   <li>a bare model: Path B on the first provider that lists it; unknown models are a 400.
 * </ul>
 */
public final class ChatRouter {

    private final ProviderRegistry registry;
    private final ProviderClients clients;
    private final RoutingProperties routing;
    private final CandidateGate gate;
    private final IntSupplier maxRetries;
    private final Supplier<ProviderOrder> providerOrder;
    private final Clock clock;
    private final Paces paces;
    private final AffinityProperties affinity;
    private final AtomicInteger providerCursor = new AtomicInteger();

    /**
     * @param maxRetries keys tried per provider for one request ({@code MAX_RETRIES})
     * @param clock the gateway clock; a request's deadline starts from it
     */
    public ChatRouter(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            CandidateGate gate, int maxRetries, Clock clock) {
        this(registry, clients, routing, gate, () -> maxRetries, routing::providerOrder, clock,
                new Paces(LatencyProperties.defaults(), clock), AffinityProperties.off());
    }

    /**
     * @param maxRetries read for each request, so a reload applies it
     * @param providerOrder read for each request, so a reload applies it
     */
    public ChatRouter(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            CandidateGate gate, IntSupplier maxRetries, Supplier<ProviderOrder> providerOrder, Clock clock) {
        this(registry, clients, routing, gate, maxRetries, providerOrder, clock,
                new Paces(LatencyProperties.defaults(), clock), AffinityProperties.off());
    }

    /**
     * @param maxRetries read for each request, so a reload applies it
     * @param providerOrder read for each request, so a reload applies it
     * @param paces the running figures behind {@code key-strategy} and {@code provider-order: latency}
     * @param affinity prompt-cache affinity: which requests go to the same key
     */
    public ChatRouter(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            CandidateGate gate, IntSupplier maxRetries, Supplier<ProviderOrder> providerOrder, Clock clock, Paces paces,
            AffinityProperties affinity) {
        this.paces = paces;
        this.affinity = affinity;
        this.registry = registry;
        this.clients = clients;
        this.routing = routing;
        this.gate = gate;
        this.maxRetries = maxRetries;
        this.providerOrder = providerOrder;
        this.clock = clock;
    }

    /**
     * Plans the request and starts its deadline. Throws an {@link InvalidRequestException} for unknown
     * targets and a {@link ProviderUnavailableException} when a named provider's circuit is open.
     */
    public RequestRun begin(ChatCommand command) {
        return new RequestRun(command, plan(command), () -> plan(command), routing.maxAttempts(),
                routing.requestTimeout(), clock.millis());
    }

    RoutePlan plan(ChatCommand command) {
        String model = command.model();
        String providerName = command.provider();
        boolean auto = model == null || model.isBlank() || "auto".equals(model);
        long sticky = Affinity.of(command, affinity);
        if (providerName == null && auto) {
            return defaultPlan(command, sticky);
        }
        if (providerName != null) {
            Provider provider = namedProvider(providerName);
            return named(provider, auto ? provider.defaultModel() : model, command, sticky);
        }
        int slash = model.indexOf('/');
        if (slash > 0) {
            var prefixed = registry.get(model.substring(0, slash));
            if (prefixed.isPresent()) {
                return named(routable(prefixed.get()), model.substring(slash + 1), command, sticky);
            }
        }
        for (Provider disabled : registry.all()) {
            if (disabled.modelDisabled(model) && registry.findByModel(model).isEmpty()) {
                throw disabledModel(disabled, model);
            }
        }
        Provider provider = registry.findByModel(model).orElseThrow(() -> new InvalidRequestException(
                "model_not_found", "The model '" + model + "' is not configured on any provider. "
                        + "Use GET /v1/models to list models, or name the provider as 'provider/model'."));
        return named(routable(provider), model, command, sticky);
    }

    private static InvalidRequestException disabledModel(Provider provider, String model) {
        return new InvalidRequestException("model_disabled", "The model '" + model + "' of the provider '"
                + provider.name() + "' is disabled in the configuration (enabled: false).", "model");
    }

    private RoutePlan named(Provider provider, String model, ChatCommand command, long sticky) {
        if (!NameLimits.modelFits(model)) {
            throw new InvalidRequestException("model_name_too_long", "The model name is " + model.length()
                    + " characters long; at most " + NameLimits.MODEL + " are accepted.", "model");
        }
        if (provider.modelDisabled(model)) {
            throw disabledModel(provider, model);
        }
        if (gate.circuitOpen(provider)) {
            throw new ProviderUnavailableException(provider.name(), ProviderUnavailableException.Reason.CIRCUIT_OPEN,
                    "The provider '" + provider.name()
                            + "' is failing and its circuit is open; try again later or use model auto.");
        }
        if (gate.modelUnknown(provider, model)) {
            throw new ModelNotFoundException(provider.name(), model, "it answered so lately; no key was used");
        }
        ProviderClients.Fit fit = clients.fit(provider, model, command);
        if (!fit.ok()) {
            String param = fit.unsupported().get(0);
            throw new InvalidRequestException("unsupported_parameter", "The provider '" + provider.name() + "' ("
                    + provider.format().name().toLowerCase(Locale.ROOT) + " format, model '" + model
                    + "') cannot honour " + quoted(fit.unsupported()) + "; see the README's fidelity table.", param);
        }
        return new NamedModelPlan(provider, model, command, clients, gate, maxRetries(), paces, sticky);
    }

    /**
     * Path A: the request's {@code preferred_provider}, then the providers its route names (a task's default
     * and fallback providers; unknown or disabled ones skipped), then, unless the route lists the only ones,
     * the auto-routed providers in the provider order: by priority, or starting one further than the previous
     * request.
     */
    private RoutePlan defaultPlan(ChatCommand command, long sticky) {
        RoutePreference route = command.route();
        ProviderOrder order = route != null && route.order() != null ? route.order() : providerOrder.get();
        List<Provider> ordered = new ArrayList<>();
        if (command.preferredProvider() != null) {
            ordered.add(namedProvider(command.preferredProvider()));
        }
        Map<String, String> models = Map.of();
        if (route != null) {
            for (String name : route.providers()) {
                registry.get(name).filter(Provider::enabled).ifPresent(p -> addOnce(ordered, p));
            }
            if (route.firstModel() != null && !route.providers().isEmpty()) {
                models = Map.of(route.providers().get(0), route.firstModel());
            }
        }
        if (route == null || !route.only()) {
            List<Provider> rest = switch (order) {
                case PRIORITY -> registry.autoRoutable();
                case LATENCY -> paces.orderProviders(roundRobin(), this::takesCalls);
                case ROUND_ROBIN -> roundRobin();
            };
            if (ordered.isEmpty() && order != ProviderOrder.PRIORITY) {
                // prompt-cache affinity: a conversation's provider first (a priority order is the operator's own)
                rest = Affinity.heaviestFirst(rest, sticky, this::takesCalls, Provider::name);
            }
            for (Provider provider : rest) {
                addOnce(ordered, provider);
            }
        }
        return new DefaultModelPlan(able(ordered, command, models), command, clients, gate, maxRetries(),
                order == ProviderOrder.PRIORITY, models, paces, sticky);
    }

    private static void addOnce(List<Provider> ordered, Provider provider) {
        for (Provider p : ordered) {
            if (p.name().equals(provider.name())) {
                return;
            }
        }
        ordered.add(provider);
    }

    private int maxRetries() {
        return Math.max(1, maxRetries.getAsInt());
    }

    /**
     * The providers whose Path A model can serve the command; a 400 naming what each one lacks when none
     * can (a provider that cannot is never tried: a parameter is never dropped silently).
     */
    private List<Provider> able(List<Provider> providers, ChatCommand command, Map<String, String> models) {
        List<Provider> able = new ArrayList<>(providers.size());
        StringBuilder why = new StringBuilder();
        String param = null;
        for (Provider provider : providers) {
            ProviderClients.Fit fit = clients.fit(provider, models.getOrDefault(provider.name(), provider.defaultModel()),
                    command);
            if (fit.ok()) {
                able.add(provider);
            } else {
                param = param == null ? fit.unsupported().get(0) : param;
                why.append(why.isEmpty() ? "" : "; ").append(provider.name()).append(" cannot honour ")
                        .append(quoted(fit.unsupported()));
            }
        }
        if (able.isEmpty() && param != null) {
            throw new InvalidRequestException("unsupported_parameter", "No provider can serve this request: " + why
                    + ". See the README's fidelity table.", param);
        }
        return able;
    }

    private static String quoted(List<String> params) {
        return "'" + String.join("', '", params) + "'";
    }

    private boolean takesCalls(Provider provider) {
        return gate.providerOpen(provider) && gate.anyUsable(provider, provider.defaultModel());
    }

    private List<Provider> roundRobin() {
        List<Provider> providers = registry.autoRoutable();
        int n = providers.size();
        List<Provider> ordered = new ArrayList<>(n);
        if (n == 0) {
            return ordered;
        }
        int start = Math.floorMod(providerCursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            ordered.add(providers.get((start + i) % n));
        }
        return ordered;
    }

    private Provider namedProvider(String name) {
        Provider provider = registry.get(name).orElseThrow(() -> new InvalidRequestException("provider_not_found",
                "The provider '" + name + "' is not configured."));
        return routable(provider);
    }

    private static Provider routable(Provider provider) {
        if (!provider.enabled()) {
            throw new InvalidRequestException("provider_disabled", "The provider '" + provider.name() + "' is disabled.");
        }
        return provider;
    }
}
