package dev.switchboard.config;

import dev.switchboard.chat.ChatService;
import dev.switchboard.chat.RequestObserver;
import dev.switchboard.keys.KeySources;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.providers.HttpClientFactory;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.simulator.SimulatorServer;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.ChatRouter;
import dev.switchboard.routing.FallbackChain;
import dev.switchboard.providers.UpstreamException;
import dev.switchboard.usage.RequestLogRecorder;
import dev.switchboard.usage.RequestLogWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Wires the pipeline: providers and keys, clients, router, fallback chain, observers. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    /** UTC time read from Reactor's scheduler clock, so virtual-time tests move it too. */
    @Bean
    Clock gatewayClock() {
        return new SchedulerClock();
    }

    @Bean
    KeySources keySources(ConfigurableEnvironment environment) {
        List<String> names = new ArrayList<>();
        environment.getPropertySources().forEach(source -> {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                names.addAll(List.of(enumerable.getPropertyNames()));
            }
        });
        return new KeySources(environment::getProperty, names);
    }

    @Bean
    ProviderRegistry providerRegistry(SwitchboardProperties properties, KeySources keySources,
            ObjectProvider<SimulatorServer> simulator) {
        PropertiesValidator.validate(properties);
        SimulatorServer sim = properties.simulator().enabled() ? simulator.getIfAvailable() : null;
        return ProviderRegistry.build(properties.providers(), keySources, sim == null ? null : sim.baseUrl(),
                properties.routing().keyStrategy(), key -> Long.MAX_VALUE);
    }

    @Bean
    ProviderClients providerClients(@Qualifier("upstream") WebClient.Builder upstream, JsonMapper json, Clock clock) {
        return new ProviderClients(new HttpClientFactory(upstream, json, clock));
    }

    @Bean
    ChatRouter chatRouter(ProviderRegistry registry, ProviderClients clients, SwitchboardProperties properties) {
        return new ChatRouter(registry, clients, properties.routing());
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    FallbackChain fallbackChain(SwitchboardProperties properties, List<AttemptListener> listeners) {
        return new FallbackChain(properties.routing(), new AttemptListeners(listeners));
    }

    @Bean
    RequestLogWriter requestLogWriter(DatabaseClient database) {
        return new RequestLogWriter(database, 100_000, 500, Duration.ofMillis(200));
    }

    @Bean
    RequestLogRecorder requestLogRecorder(RequestLogWriter writer) {
        return new RequestLogRecorder(writer);
    }

    @Bean
    ChatService chatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers) {
        return new ChatService(router, chain, observers);
    }

    /** Fans attempt outcomes out to every listener. */
    private record AttemptListeners(List<AttemptListener> listeners) implements AttemptListener {

        @Override
        public void succeeded(Candidate candidate, long latencyMs) {
            listeners.forEach(l -> l.succeeded(candidate, latencyMs));
        }

        @Override
        public void failed(Candidate candidate, UpstreamException failure) {
            listeners.forEach(l -> l.failed(candidate, failure));
        }
    }

    /** A clock on Reactor's parallel scheduler time (UTC unless asked otherwise). */
    static final class SchedulerClock extends Clock {

        private final ZoneId zone;

        SchedulerClock() {
            this(ZoneOffset.UTC);
        }

        private SchedulerClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new SchedulerClock(zone);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
        }
    }
}
