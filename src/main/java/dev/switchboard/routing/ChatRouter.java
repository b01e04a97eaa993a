package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.ProviderUnavailableException;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the path and builds the request's {@link RoutePlan}.
 *
 * <ul>
 *   <li>no model (or {@code auto}) and no provider: Path A over all routable providers, round-robin (or, with
 *       {@code provider-order: latency}, the fastest of two drawn at random first; see {@link Paces});
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
    private final int maxRetries;
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
        this(registry, clients, routing, gate, maxRetries, clock, new Paces(LatencyProperties.defaults(), clock),
                AffinityProperties.off());
    }

    /**
     * @param paces the running figures behind {@code key-strategy} and {@code provider-order: latency}
     * @param affinity prompt-cache affinity: which requests go to the same key
     */
    public ChatRouter(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            CandidateGate gate, int maxRetries, Clock clock, Paces paces, AffinityProperties affinity) {
        this.paces = paces;
        this.affinity = affinity;
        this.registry = registry;
        this.clients = clients;
        this.routing = routing;
        this.gate = gate;
        this.maxRetries = Math.max(1, maxRetries);
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
            List<Provider> providers = command.preferredProvider() == null
                    ? Affinity.heaviestFirst(providerRotation(), sticky, this::takesCalls, Provider::name)
                    : preferredFirst(providerRotation(), command.preferredProvider());
            return new DefaultModelPlan(able(providers, command), command, clients, gate, maxRetries, paces, sticky);
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
        Provider provider = registry.findByModel(model).orElseThrow(() -> new InvalidRequestException(
                "model_not_found", "The model '" + model + "' is not configured on any provider. "
                        + "Use GET /v1/models to list models, or name the provider as 'provider/model'."));
        return named(routable(provider), model, command, sticky);
    }

    private RoutePlan named(Provider provider, String model, ChatCommand command, long sticky) {
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
        return new NamedModelPlan(provider, model, command, clients, gate, maxRetries, paces, sticky);
    }

    /**
     * The providers whose default model can serve the command; a 400 naming what each one lacks when none
     * can (a provider that cannot is never tried: a parameter is never dropped silently).
     */
    private List<Provider> able(List<Provider> providers, ChatCommand command) {
        List<Provider> able = new ArrayList<>(providers.size());
        StringBuilder why = new StringBuilder();
        String param = null;
        for (Provider provider : providers) {
            ProviderClients.Fit fit = clients.fit(provider, provider.defaultModel(), command);
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

    /**
     * Routable providers starting one further than the previous request; with {@code provider-order: latency}
     * the winner of the power of two choices among those that can take a call now goes first.
     */
    private List<Provider> providerRotation() {
        List<Provider> rotation = roundRobin();
        if (routing.providerOrder() != ProviderOrder.LATENCY) {
            return rotation;
        }
        return paces.orderProviders(rotation, this::takesCalls);
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

    /** Moves the preferred provider (if it is one of them) to the front, keeping the rest in order. */
    private List<Provider> preferredFirst(List<Provider> rotation, String preferred) {
        if (preferred == null) {
            return rotation;
        }
        Provider wanted = namedProvider(preferred);
        List<Provider> ordered = new ArrayList<>(rotation.size() + 1);
        ordered.add(wanted);
        for (Provider p : rotation) {
            if (!p.name().equals(wanted.name())) {
                ordered.add(p);
            }
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
