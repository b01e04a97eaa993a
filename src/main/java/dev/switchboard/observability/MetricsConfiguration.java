package dev.switchboard.observability;

import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ChatService;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.support.BackgroundJobs;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds the key gauges and Resilience4j's circuit breaker and bulkhead metrics. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    KeyGauges keyGauges(MeterRegistry registry, ProviderRegistry providers, KeyHealth health, DailyLimits limits,
            RequestLogWriter requestLog, UsageLedger ledger, ProviderGuards guards, ChatService chat) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(guards.circuits()).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(registry);
        Gauge.builder("switchboard.requests.inflight", chat, ChatService::inFlight)
                .description("Chat requests running right now").register(registry);
        KeyGauges gauges = new KeyGauges(registry, providers, health, limits, requestLog, ledger);
        for (var provider : providers.all()) {
            guards.circuitBreaker(provider);
            guards.bulkhead(provider);
        }
        gauges.registerAll();
        return gauges;
    }

    /** Picks up keys added at runtime or by a reload, and new last-error classes. */
    @Bean
    BackgroundJobs keyGaugeRefresh(KeyGauges gauges) {
        return BackgroundJobs.periodic(Duration.ofSeconds(5), gauges::registerAll);
    }
}
