package dev.switchboard.testsupport;

import static org.awaitility.Awaitility.await;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ModelProperties.Capability;
import dev.switchboard.config.ProviderType;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.KeyPool;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import dev.switchboard.providers.http.HttpClientFactory;
import dev.switchboard.providers.http.UpstreamClientOptions;
import dev.switchboard.providers.http.UpstreamPools;
import dev.switchboard.providers.sse.EndMarker;
import dev.switchboard.routing.AttemptListener;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.ChatRouter;
import dev.switchboard.routing.ChatService;
import dev.switchboard.routing.FallbackChain;
import dev.switchboard.routing.RequestAdmission;
import dev.switchboard.routing.RequestRun;
import dev.switchboard.support.StartupGate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real pipeline without Spring: {@link HttpClientFactory} over a pooled Reactor Netty client (no
 * client retries, as in production), {@link ProviderClients}, {@link ChatRouter}, {@link FallbackChain}
 * and {@link ChatService}, over providers whose base URL is a {@link FakeUpstream}.
 *
 * <p>It records what the key manager would be told ({@link #outcomes()}: the class and retry hint of
 * every failed attempt, the success of the others) and how each request ended ({@link #runs()}).
 */
public final class Gateway implements AutoCloseable {

    /**
     * Short real timeouts (the suite runs against real sockets, where virtual time cannot help), yet long
     * enough for the first exchange of a cold JVM on a busy machine. Cases about timeouts set tighter ones.
     */
    public static final RoutingProperties ROUTING = routing(Duration.ofSeconds(2), Duration.ofSeconds(1));

    /**
     * Roomier timeouts for cases that are not about timing (what goes on the wire and what comes back): the
     * first exchange of a cold JVM on a loaded two-core machine has been seen to take longer than {@link #ROUTING}
     * allows.
     */
    public static final RoutingProperties UNHURRIED = routing(Duration.ofSeconds(8), Duration.ofSeconds(5));

    /** What one attempt did to its key. */
    public record Outcome(String key, @Nullable ErrorClass errorClass, @Nullable Duration retryAfter,
            @Nullable String upstreamCode, @Nullable String message) {

        public static Outcome ok(String key) {
            return new Outcome(key, null, null, null, null);
        }

        public boolean success() {
            return errorClass == null;
        }
    }

    /** As in production (HttpClientConfiguration): a pool per event loop of Reactor Netty's loops. */
    private final EventLoopLocalConnector connector;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<RequestRun> runs = new CopyOnWriteArrayList<>();
    private final ChatService service;
    private final TestRouting routing;

    public Gateway(RoutingProperties routing, Provider... providers) {
        this.connector = new EventLoopLocalConnector(() -> HttpResources.get().onServer(LoopResources.DEFAULT_NATIVE),
                UpstreamPools.of("conformance", routing),
                UpstreamClientOptions.of(routing));
        // as in production (GatewayConfiguration): bodies capped in memory and in total
        ProviderClients clients = new ProviderClients(new HttpClientFactory(connector,
                routing.maxStreamBytes().toBytes(), EndMarker.forIdleTimeout(routing.idleTimeout()),
                JsonMapper.builder().build(), Clock.systemUTC()));
        ResilienceProperties resilience = new ResilienceProperties(10, Duration.ofMillis(10), 2.0, 0.5,
                Duration.ofMillis(50), 1000, Duration.ofSeconds(60), 3, 512);
        this.routing = new TestRouting(new ProviderRegistry(List.of(providers)), clients, routing,
                KeyHealthProperties.defaults(), resilience, new AttemptListener() {
            @Override
            public void succeeded(Candidate candidate, long latencyMs) {
                outcomes.add(Outcome.ok(candidate.key().alias()));
            }

            @Override
            public void failed(Candidate candidate, UpstreamException failure) {
                outcomes.add(new Outcome(candidate.key().alias(), failure.errorClass(), failure.retryAfter(),
                        failure.upstreamCode(), failure.getMessage()));
            }
        });
        this.service = new ChatService(this.routing.router, this.routing.chain, List.of(runs::add),
                StartupGate.alreadyOpen(), RequestAdmission.OPEN, this.routing.clock);
    }

    public Gateway(Provider... providers) {
        this(ROUTING, providers);
    }

    public static RoutingProperties routing(Duration firstChunk, Duration idle) {
        return new RoutingProperties(Duration.ofSeconds(10), firstChunk, idle, Duration.ofSeconds(1),
                Duration.ofMinutes(1), 10, KeyStrategy.ROUND_ROBIN);
    }

    /** Routing with a total stream duration and a byte cap of their own (untrusted-upstream cases). */
    public static RoutingProperties routing(Duration maxStream, DataSize maxStreamBytes) {
        return new RoutingProperties(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), maxStream, 10, KeyStrategy.ROUND_ROBIN, maxStreamBytes,
                RoutingProperties.DEFAULT_UPSTREAM_MAX_CONNECTIONS);
    }

    /**
     * A provider of the given format at {@code baseUrl} whose keys are tried in the given order; key
     * {@code i} is called {@code name#i}. Its model allows 64 tokens by default.
     */
    public static Provider provider(String name, WireFormat format, String baseUrl, String... secrets) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < secrets.length; i++) {
            keys.add(new ApiKey(name + "#" + (i + 1), secrets[i], 100, 0, true));
        }
        ProviderType type = switch (format) {
            case OPENAI -> ProviderType.OPENAI;
            case ANTHROPIC -> ProviderType.ANTHROPIC;
            case GEMINI -> ProviderType.GEMINI;
        };
        return new Provider(name, type, format, baseUrl, name + "-model",
                List.of(new ModelProperties(name + "-model", 1, 64, 0)), 100, true, true, Map.of(), 0, 512, List.of(),
                new KeyPool(name, keys, KeyStrategy.ROUND_ROBIN, KeyPool.Remaining.UNKNOWN));
    }

    /** The same provider with extra request headers, as {@code switchboard.providers.<name>.headers} gives them. */
    public static Provider withHeaders(Provider p, Map<String, String> headers) {
        return new Provider(p.name(), p.type(), p.format(), p.baseUrl(), p.defaultModel(), p.models(), p.priority(),
                p.enabled(), p.autoRoute(), headers, p.dailyLimit(), p.maxConcurrent(), p.errorOverrides(), p.keys());
    }

    /**
     * The same provider whose models can do only these things beyond text, as
     * {@code switchboard.providers.<name>.models[].capabilities} says.
     */
    public static Provider withCapabilities(Provider p, Capability... capabilities) {
        List<ModelProperties> models = p.models().stream().map(m -> new ModelProperties(m.name(), m.priority(),
                m.maxTokens(), m.dailyLimit(), Set.of(capabilities))).toList();
        return new Provider(p.name(), p.type(), p.format(), p.baseUrl(), p.defaultModel(), models, p.priority(),
                p.enabled(), p.autoRoute(), p.headers(), p.dailyLimit(), p.maxConcurrent(), p.errorOverrides(),
                p.keys());
    }

    /** A streamed request as the command says (its path, tools, images, response format, parameters). */
    public Flux<StreamEvent> stream(ChatCommand command) {
        return service.stream(command);
    }

    /** A whole answer to the command. */
    public Mono<ChatResult> complete(ChatCommand command) {
        return service.complete(command);
    }

    /** A streamed request that names the provider (Path B: falls back across its keys only). */
    public Flux<StreamEvent> stream(String provider) {
        return service.stream(command(provider));
    }

    public Mono<ChatResult> complete(String provider) {
        return service.complete(command(provider));
    }

    /** A streamed request without provider or model (Path A: rotates across providers). */
    public Flux<StreamEvent> streamAnyProvider() {
        return service.stream(command(null));
    }

    public Mono<ChatResult> completeAnyProvider() {
        return service.complete(command(null));
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Each attempt as {@code key:class} ({@code key:ok} for a success), in order. */
    public List<String> trail() {
        return outcomes.stream().map(o -> o.key() + ":" + (o.success() ? "ok" : o.errorClass().code())).toList();
    }

    /** The first outcome of this key. */
    public Outcome outcome(String key) {
        return outcomes.stream().filter(o -> o.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no attempt with " + key + "; attempts: " + trail()));
    }

    /**
     * The one request that ended. Observers run in {@code doFinally}, just after the client saw the end,
     * so this waits a moment for it.
     */
    public RequestRun run() {
        await().atMost(Duration.ofSeconds(2)).until(() -> !runs.isEmpty());
        return runs.get(0);
    }

    private static ChatCommand command(@Nullable String provider) {
        return ChatCommand.builder("conformance", Surface.SSE,
                List.of(new ChatMessage("system", "You are terse."), new ChatMessage("user", "Say hello.")))
                .provider(provider).build();
    }

    @Override
    public void close() {
        connector.dispose();
    }
}
