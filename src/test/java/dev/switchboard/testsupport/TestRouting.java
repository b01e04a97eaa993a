package dev.switchboard.testsupport;

import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.AffinityProperties;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.AttemptBookkeeping;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.CandidateGate;
import dev.switchboard.routing.ChatRouter;
import dev.switchboard.routing.FallbackChain;
import dev.switchboard.routing.HedgePolicy;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.routing.RequestTracing;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.support.SchedulerClock;
import java.time.Clock;
import java.time.Duration;

/** The routing machinery without Spring: health, limits, guards, router and chain on one clock. */
public final class TestRouting {

    public final Clock clock = SchedulerClock.utc();
    public final DailyLimits limits = new DailyLimits(clock);
    public final KeyHealth health;
    public final ProviderGuards guards;
    public final UnknownModels unknownModels;
    public final CandidateGate gate;
    public final ChatRouter router;
    public final FallbackChain chain;
    public final Paces paces = new Paces(LatencyProperties.defaults(), clock);

    public TestRouting(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing) {
        this(registry, clients, routing, KeyHealthProperties.defaults(), ResilienceProperties.defaults(),
                AttemptListener.NONE);
    }

    public TestRouting(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            KeyHealthProperties keys, ResilienceProperties resilience, AttemptListener extra) {
        this(registry, clients, routing, keys, resilience, extra, HedgePolicy.off());
    }

    /** With this hedging policy. */
    public TestRouting(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            HedgePolicy hedging) {
        this(registry, clients, routing, KeyHealthProperties.defaults(), ResilienceProperties.defaults(),
                AttemptListener.NONE, hedging);
    }

    public TestRouting(ProviderRegistry registry, ProviderClients clients, RoutingProperties routing,
            KeyHealthProperties keys, ResilienceProperties resilience, AttemptListener extra, HedgePolicy hedging) {
        this.health = new KeyHealth(keys, clock, limits);
        registry.all().forEach(health::register);
        this.guards = new ProviderGuards(resilience, clock);
        this.unknownModels = new UnknownModels(clock, Duration.ofMinutes(10));
        this.gate = new CandidateGate(health, limits, guards, unknownModels);
        this.router = new ChatRouter(registry, clients, routing, gate, resilience::maxRetries, routing::providerOrder,
                clock, paces, AffinityProperties.defaults());
        AttemptBookkeeping healthListener = new AttemptBookkeeping(health, limits, unknownModels);
        this.chain = new FallbackChain(routing, resilience, guards, new AttemptListener() {
            @Override
            public void succeeded(Candidate candidate, long latencyMs) {
                healthListener.succeeded(candidate, latencyMs);
                extra.succeeded(candidate, latencyMs);
            }

            @Override
            public void failed(Candidate candidate, UpstreamException failure) {
                healthListener.failed(candidate, failure);
                extra.failed(candidate, failure);
            }
        }, false, clock, RequestTracing.OFF, paces, hedging);
    }
}
