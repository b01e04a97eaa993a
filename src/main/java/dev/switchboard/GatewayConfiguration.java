package dev.switchboard;

import dev.switchboard.cache.CacheSweeper;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.AffinityProperties;
import dev.switchboard.config.CacheProperties;
import dev.switchboard.config.HedgeProperties;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.LiveSettings;
import dev.switchboard.config.PropertiesValidator;
import dev.switchboard.config.ResumeProperties;
import dev.switchboard.config.SwitchboardProperties;
import dev.switchboard.config.UsageProperties;
import dev.switchboard.keys.DailyLimits;
import dev.switchboard.keys.KeyHealth;
import dev.switchboard.keys.KeyHealthChecker;
import dev.switchboard.keys.KeyMaintenance;
import dev.switchboard.keys.KeyStateStore;
import dev.switchboard.keys.KeyStateSync;
import dev.switchboard.keys.MasterKey;
import dev.switchboard.keys.RuntimeKeys;
import dev.switchboard.observability.GatewayMetrics;
import dev.switchboard.observability.RequestTraces;
import dev.switchboard.providers.KeySources;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import dev.switchboard.providers.http.HttpClientFactory;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.resume.ResumableStreams;
import dev.switchboard.routing.AttemptBookkeeping;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.CandidateGate;
import dev.switchboard.routing.ChatRouter;
import dev.switchboard.routing.ChatService;
import dev.switchboard.routing.FallbackChain;
import dev.switchboard.routing.HedgePolicy;
import dev.switchboard.routing.Paces;
import dev.switchboard.routing.ProviderGuards;
import dev.switchboard.routing.RequestAdmission;
import dev.switchboard.routing.RequestObserver;
import dev.switchboard.routing.UnknownModels;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.support.LoopTimers;
import dev.switchboard.support.SchedulerClock;
import dev.switchboard.support.StartupGate;
import dev.switchboard.usage.RequestLogRecorder;
import dev.switchboard.usage.RequestLogWriter;
import dev.switchboard.usage.UsageLedger;
import dev.switchboard.usage.UsageMaintenance;
import dev.switchboard.web.FlatExceptionHandlers;
import dev.switchboard.web.FlatFilterChain;
import dev.switchboard.web.HotRoute;
import dev.switchboard.web.HotRouteFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

/** Wires the pipeline: providers and keys, clients, router, fallback chain, observers. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GatewayConfiguration.class);

    /** The chat surfaces' routes, answered as the last filter instead of through the dispatcher. */
    @Bean
    HotRouteFilter hotRoutes(List<HotRoute> routes, ObjectProvider<ServerCodecConfigurer> codecs) {
        // the server's codecs; the command-line mode (no web server) has none and never calls the filter
        return new HotRouteFilter(routes, codecs.getIfAvailable(ServerCodecConfigurer::create));
    }

    /**
     * All web filters, in their order, as one step ({@link FlatFilterChain}), and all exception handlers as one
     * ({@link FlatExceptionHandlers}); last of the customizers, so it also takes what they add.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebHttpHandlerBuilderCustomizer oneStepFiltersAndExceptionHandlers() {
        return builder -> builder
                .filters(filters -> replaceAll(filters, FlatFilterChain::new))
                .exceptionHandlers(handlers -> replaceAll(handlers, FlatExceptionHandlers::new));
    }

    private static <T> void replaceAll(List<T> items, Function<List<T>, ? extends T> folded) {
        List<T> all = List.copyOf(items);
        items.clear();
        items.add(folded.apply(all));
    }

    /** UTC time read from Reactor's scheduler clock, so virtual-time tests move it too. */
    @Bean
    Clock gatewayClock() {
        return SchedulerClock.utc();
    }

    /** The settings in force; a configuration reload swaps in new ones. */
    @Bean
    LiveSettings liveSettings(SwitchboardProperties properties, KeySources keySources) {
        return new LiveSettings(keySources.withChatModels(properties));
    }

    @Bean
    KeySources keySources(ConfigurableEnvironment environment) {
        return KeySources.of(environment);
    }

    @Bean
    DailyLimits dailyLimits(Clock clock) {
        return new DailyLimits(clock);
    }

    @Bean
    ProviderRegistry providerRegistry(LiveSettings settings, KeySources keySources,
            ObjectProvider<SimulatorServer> simulator, DailyLimits limits) {
        SwitchboardProperties properties = settings.get();
        PropertiesValidator.validate(properties);
        SimulatorServer sim = properties.simulator().enabled() ? simulator.getIfAvailable() : null;
        return new ProviderRegistry(ProviderRegistry.build(properties.providers(), keySources,
                sim == null ? null : sim.baseUrl(), ProviderRegistry.Defaults.of(properties), limits::keyRemaining));
    }

    @Bean
    KeyHealth keyHealth(SwitchboardProperties properties, Clock clock, DailyLimits limits, ProviderRegistry registry) {
        KeyHealth health = new KeyHealth(properties.keys(), clock, limits);
        registry.all().forEach(health::register);
        return health;
    }

    @Bean
    ProviderGuards providerGuards(SwitchboardProperties properties, Clock clock) {
        return new ProviderGuards(properties.resilience(), clock);
    }

    /** Models providers answered "not found" for, remembered for ten minutes (or until a reload). */
    @Bean
    UnknownModels unknownModels(Clock clock) {
        return new UnknownModels(clock, Duration.ofMinutes(10));
    }

    @Bean
    CandidateGate candidateGate(KeyHealth health, DailyLimits limits, ProviderGuards guards, UnknownModels unknown) {
        return new CandidateGate(health, limits, guards, unknown);
    }

    @Bean
    AttemptBookkeeping attemptBookkeeping(KeyHealth health, DailyLimits limits, UnknownModels unknown) {
        return new AttemptBookkeeping(health, limits, unknown);
    }

    @Bean
    ProviderClients providerClients(EventLoopLocalConnector upstreamConnector, SwitchboardProperties properties,
            JsonMapper json, Clock clock) {
        return new ProviderClients(new HttpClientFactory(upstreamConnector,
                properties.routing().maxStreamBytes().toBytes(),
                EndMarker.forIdleTimeout(properties.routing().idleTimeout()), json, clock));
    }

    /** The running time to first content, error rate and load of every key and provider. */
    @Bean
    Paces paces(LatencyProperties latency, Clock clock) {
        return new Paces(latency, clock);
    }

    @Bean
    HedgePolicy hedgePolicy(HedgeProperties hedge) {
        return new HedgePolicy(hedge);
    }

    @Bean
    ChatRouter chatRouter(ProviderRegistry registry, ProviderClients clients, SwitchboardProperties properties,
            CandidateGate gate, LiveSettings settings, Clock clock, Paces paces, AffinityProperties affinity) {
        return new ChatRouter(registry, clients, properties.routing(), gate,
                () -> settings.get().resilience().maxRetries(), () -> settings.get().routing().providerOrder(), clock,
                paces, affinity);
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    FallbackChain fallbackChain(SwitchboardProperties properties, ProviderGuards guards,
            List<AttemptListener> listeners, Clock clock, RequestTraces traces, Paces paces, HedgePolicy hedging) {
        return new FallbackChain(properties.routing(), properties.resilience(), guards, new AttemptListeners(listeners),
                properties.usage().storeResponseText(), clock, traces, paces, hedging);
    }

    @Bean
    RequestLogWriter requestLogWriter(DatabaseClient database, SwitchboardProperties properties) {
        UsageProperties usage = properties.usage();
        return new RequestLogWriter(database, usage.bufferCapacity(), usage.batchSize(), usage.flushInterval(),
                usage.writeLanes());
    }

    @Bean
    RequestLogRecorder requestLogRecorder(RequestLogWriter writer, JsonMapper json) {
        return new RequestLogRecorder(writer, json);
    }

    @Bean
    UsageLedger usageLedger(DatabaseClient database, Clock clock) {
        return new UsageLedger(database, clock);
    }

    @Bean
    UsageMaintenance usageMaintenance(UsageLedger ledger, DatabaseClient database, Clock clock,
            SwitchboardProperties properties) {
        return new UsageMaintenance(ledger, database, clock, properties.usage().requestLogRetention(),
                Duration.ofSeconds(1), Duration.ofHours(1));
    }

    @Bean
    StartupGate startupGate(SwitchboardProperties properties) {
        return new StartupGate(properties.keys().startupCheckTimeout().plusSeconds(15));
    }

    @Bean
    ChatService chatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers, StartupGate gate,
            ObjectProvider<RequestAdmission> admission, Clock clock, ResponseCache cache, RequestTraces traces) {
        return new ChatService(router, chain, observers, gate, admission.getIfAvailable(() -> RequestAdmission.OPEN),
                clock, cache, traces);
    }

    /** Resumable streams: this instance's streams that outlive their client's connection (closed at shutdown). */
    @Bean
    ResumableStreams resumableStreams(ResumeProperties properties, MeterRegistry registry) {
        return new ResumableStreams(properties, LoopTimers::scheduler, registry);
    }

    @Bean
    ResponseCache responseCache(CacheProperties properties, JsonMapper json, DatabaseClient database, Clock clock,
            MeterRegistry registry) {
        return new ResponseCache(properties, json, database, clock, registry);
    }

    @Bean
    CacheSweeper cacheSweeper(ResponseCache cache, CacheProperties properties) {
        return new CacheSweeper(cache, properties.sweepInterval());
    }

    @Bean
    KeyStateStore keyStateStore(DatabaseClient database, KeyHealth health, DailyLimits limits) {
        return new KeyStateStore(database, health, limits);
    }

    /** Keys added or removed at runtime: stored encrypted with the master key, or kept in memory without one. */
    @Bean
    RuntimeKeys runtimeKeys(DatabaseClient database, ProviderRegistry registry, KeyHealth health,
            ConfigurableEnvironment environment, JsonMapper json, Clock clock) {
        MasterKey masterKey = MasterKey.parse(environment.getProperty(MasterKey.PROPERTY));
        if (masterKey == null) {
            log.info("{} is not set: keys added or removed at runtime are kept in memory only", MasterKey.ENVIRONMENT);
        } else {
            log.info("Keys added or removed at runtime are stored in PostgreSQL, encrypted (AES-256-GCM) with {}",
                    MasterKey.ENVIRONMENT);
        }
        return new RuntimeKeys(database, registry, health, masterKey, json, clock);
    }

    @Bean
    KeyStateSync keyStateSync(ConnectionFactory connections, DatabaseClient database, KeyHealth health,
            KeyStateStore store, RuntimeKeys runtimeKeys, JsonMapper json) {
        return new KeyStateSync(connections, database, health, store, runtimeKeys, json, Duration.ofSeconds(10));
    }

    @Bean
    KeyHealthChecker keyHealthChecker(ProviderRegistry registry, ProviderClients clients, KeyHealth health) {
        return new KeyHealthChecker(registry, clients, health, Duration.ofSeconds(10));
    }

    @Bean
    KeyMaintenance keyMaintenance(KeyHealth health, KeyStateStore store, RuntimeKeys runtimeKeys,
            KeyHealthChecker checker, ProviderRegistry registry, StartupGate gate, LiveSettings settings,
            GatewayMetrics metrics) {
        KeyMaintenance maintenance = new KeyMaintenance(health, store, runtimeKeys, checker, registry, gate,
                settings.get().keys(),
                Duration.ofSeconds(1), metrics::keyStateChanged);
        settings.onChange(next -> maintenance.healthCheckInterval(next.keys().healthCheckInterval()));
        return maintenance;
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
}
