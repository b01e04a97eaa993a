package dev.switchboard.observability;

import ch.qos.logback.classic.LoggerContext;
import dev.switchboard.config.TracingProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.routing.HedgePolicy;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.support.BackgroundJobs;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Binds the key gauges and Resilience4j's circuit breaker and bulkhead metrics, and times server requests
 * ({@link ServerRequestTimers} unless tracing is on).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    KeyGauges keyGauges(MeterRegistry registry, ProviderRegistry providers, KeyHealth health, DailyLimits limits,
            RequestLogWriter requestLog, UsageLedger ledger, ProviderGuards guards, ChatService chat, Paces paces,
            HedgePolicy hedging) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(guards.circuits()).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(registry);
        Gauge.builder("switchboard.requests.inflight", chat, ChatService::inFlight)
                .description("Chat requests running right now").register(registry);
        KeyGauges gauges = new KeyGauges(registry, providers, health, limits, requestLog, ledger, paces);
        FunctionCounter.builder("switchboard.hedge.started", hedging, HedgePolicy::hedges)
                .description("Hedged streams: a second upstream call started beside a slow first one").register(registry);
        FunctionCounter.builder("switchboard.hedge.won", hedging, HedgePolicy::hedgeWins)
                .description("Hedges whose second call delivered content first").register(registry);
        FunctionCounter.builder("switchboard.hedge.refused", hedging, HedgePolicy::refused)
                .description("Hedges the budget refused").register(registry);
        for (var provider : providers.all()) {
            String name = provider.name();
            Gauge.builder("switchboard.provider.first.content", () -> {
                Double ms = paces.view(name).firstContentMs();
                return ms == null ? Double.NaN : ms;
            }).description("Running (EWMA) time to first content of the provider, ms; what provider-order latency "
                    + "compares").baseUnit("milliseconds").tag("provider", name).register(registry);
            Gauge.builder("switchboard.provider.error.rate", () -> paces.view(name).errorRate())
                    .description("Running share of the provider's calls that failed (0 to 1)").tag("provider", name)
                    .register(registry);
            FunctionCounter.builder("switchboard.provider.cached.tokens", paces, p -> p.view(name).cachedTokens())
                    .description("Prompt tokens the provider read from its prompt cache").tag("provider", name)
                    .register(registry);
            FunctionCounter.builder("switchboard.provider.prompt.tokens", paces, p -> p.view(name).promptTokens())
                    .description("Prompt tokens the provider's answers reported").tag("provider", name)
                    .register(registry);
            Gauge.builder("switchboard.provider.inflight", () -> paces.view(name).inFlight())
                    .description("Upstream calls open on the provider now").tag("provider", name).register(registry);
            guards.circuitBreaker(provider);
            guards.bulkhead(provider);
        }
        gauges.registerAll();
        return gauges;
    }

    /**
     * With tracing off, {@code http.server.requests} comes from {@link ServerRequestTimers} and the web
     * handler gets no observation registry (Spring's observation would only duplicate the metric, at 5–7 % of
     * the CPU); with tracing on, Spring's observation stays: it makes the server span.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE) // before the customizer that runs all filters as one step, so it is one of them
    WebHttpHandlerBuilderCustomizer serverRequestTimers(TracingProperties tracing, MeterRegistry registry) {
        return builder -> {
            if (!tracing.enabled()) {
                builder.observationRegistry(ObservationRegistry.NOOP)
                        .filters(filters -> filters.add(0, new ServerRequestTimers(registry)));
            }
        };
    }

    /** {@code logback.events} without a turbo filter on every level check; see {@link LogEventCounter}. */
    @Bean
    LogEventCounter logEventCounter() {
        return new LogEventCounter((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    /** Picks up keys added at runtime or by a reload, and new last-error classes. */
    @Bean
    BackgroundJobs keyGaugeRefresh(KeyGauges gauges) {
        return BackgroundJobs.periodic(Duration.ofSeconds(5), gauges::registerAll);
    }
}
