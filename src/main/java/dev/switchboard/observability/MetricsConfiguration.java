package dev.switchboard.observability;

import dev.switchboard.chat.ChatService;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** Binds the key gauges and Resilience4j's circuit breaker and bulkhead metrics. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    KeyGauges keyGauges(MeterRegistry registry, ProviderRegistry providers, KeyHealth health, DailyLimits limits,
            RequestLogWriter requestLog, UsageLedger ledger, ProviderGuards guards, ChatService chat) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(guards.circuits()).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(registry);
        io.micrometer.core.instrument.Gauge.builder("switchboard.requests.inflight", chat, ChatService::inFlight)
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
    SmartLifecycle keyGaugeRefresh(KeyGauges gauges) {
        return new SmartLifecycle() {
            private volatile Disposable loop;

            @Override
            public void start() {
                loop = Flux.interval(Duration.ofSeconds(5)).onBackpressureDrop().subscribe(t -> gauges.registerAll());
            }

            @Override
            public void stop() {
                Disposable running = loop;
                loop = null;
                if (running != null) {
                    running.dispose();
                }
            }

            @Override
            public boolean isRunning() {
                return loop != null;
            }
        };
    }
}
