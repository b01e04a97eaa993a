package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.config.KeyProperties;
import dev.switchboard.config.ProviderProperties;
import dev.switchboard.config.ProviderType;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.config.SimulatorProperties;
import dev.switchboard.config.SimulatorProperties.FaultProbabilities;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.KeyPool;
import dev.switchboard.providers.KeySources;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.UpstreamClients;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.http.HttpClientFactory;
import dev.switchboard.providers.sse.EndMarker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Signal;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator speaks each wire format well enough for that format's real adapter: a simulator provider
 * with {@code format: openai|anthropic|gemini} (resolved by the registry, as in the demo) answers, streams,
 * checks keys, and plays every fault key as that format's own error, which the adapter classifies.
 */
class SimulatorWireFormatsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UpstreamRequest REQUEST = new UpstreamRequest("sim-model",
            List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hello there")), null, null);

    private static SimulatorServer simulator;
    private static HttpClientFactory clients;

    @BeforeAll
    static void start() {
        simulator = SimulatorServer.start(new SimulatorProperties(true, "127.0.0.1", 0, Duration.ZERO, Duration.ZERO, 5,
                FaultProbabilities.none()), JSON, Clock.systemUTC());
        clients = new HttpClientFactory(UpstreamClients.of(HttpClient.create()), Long.MAX_VALUE, EndMarker.DEFAULT, JSON,
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static ProviderClient client(WireFormat format, String key) {
        ProviderProperties properties = new ProviderProperties(ProviderType.SIMULATOR, format, null, "sim-model", List.of(),
                100, true, true, List.of(new KeyProperties(null, key, null, 100, 0, true)), Map.of(), null, null, List.of(), null);
        Provider provider = ProviderRegistry.build(Map.of("sim", properties), new KeySources(name -> null, List.of()),
                simulator.baseUrl(), new ProviderRegistry.Defaults(0, 100, KeyStrategy.ROUND_ROBIN),
                KeyPool.Remaining.UNKNOWN).get(0);
        assertThat(provider.format()).isEqualTo(format);
        return clients.create(provider, provider.keys().keys().get(0));
    }

    private static List<Signal<ChatChunk>> stream(WireFormat format, String key) {
        return client(format, key).stream(REQUEST).materialize().collectList().block(Duration.ofSeconds(5));
    }

    private static String text(List<Signal<ChatChunk>> signals) {
        StringBuilder text = new StringBuilder();
        signals.stream().filter(s -> s.get() instanceof ChatChunk.Delta)
                .forEach(s -> text.append(((ChatChunk.Delta) s.get()).text()));
        return text.toString();
    }

    private static UpstreamException error(List<Signal<ChatChunk>> signals) {
        Signal<ChatChunk> last = signals.get(signals.size() - 1);
        assertThat(last.isOnError()).as("stream ends with an error: %s", signals).isTrue();
        return (UpstreamException) last.getThrowable();
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aHealthyKeyStreamsTheAnswerWithFinishAndUsage(WireFormat format) {
        List<Signal<ChatChunk>> signals = stream(format, "sim-ok-1");

        assertThat(text(signals)).isEqualTo("Simulated answer to \u201cHello there\u201d:");
        assertThat(signals).anySatisfy(s -> assertThat(s.get()).isEqualTo(new ChatChunk.Finish("stop")));
        assertThat(signals).anySatisfy(s -> assertThat(s.get()).isInstanceOfSatisfying(ChatChunk.UsageReport.class,
                usage -> assertThat(usage.usage().completionTokens()).isEqualTo(5)));
        assertThat(signals.get(signals.size() - 1).isOnComplete()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aHealthyKeyAnswersWholeAndPassesTheKeyCheck(WireFormat format) {
        Completion completion = client(format, "sim-ok-1").complete(REQUEST).block(Duration.ofSeconds(5));

        assertThat(completion.content()).isEqualTo("Simulated answer to \u201cHello there\u201d:");
        assertThat(completion.usage().estimated()).isFalse();
        client(format, "sim-ok-1").checkKey().block(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "OPENAI, sim-rate-limit-7, RATE_LIMITED", "ANTHROPIC, sim-rate-limit-7, RATE_LIMITED",
        "GEMINI, sim-rate-limit-7, RATE_LIMITED",
        "OPENAI, sim-invalid-1, INVALID_KEY", "ANTHROPIC, sim-invalid-1, INVALID_KEY", "GEMINI, sim-invalid-1, INVALID_KEY",
        "OPENAI, sim-quota-1, QUOTA_EXCEEDED", "ANTHROPIC, sim-quota-1, QUOTA_EXCEEDED", "GEMINI, sim-quota-1, QUOTA_EXCEEDED",
        "OPENAI, sim-context-too-long, BAD_REQUEST", "ANTHROPIC, sim-context-too-long, BAD_REQUEST",
        "GEMINI, sim-context-too-long, BAD_REQUEST",
        "OPENAI, sim-error-500, SERVER_ERROR", "ANTHROPIC, sim-error-500, SERVER_ERROR", "GEMINI, sim-error-500, SERVER_ERROR",
        "OPENAI, sim-error-503, OVERLOADED", "ANTHROPIC, sim-error-529, OVERLOADED", "GEMINI, sim-error-503, OVERLOADED",
        "OPENAI, sim-fail-before-first, SERVER_ERROR", "ANTHROPIC, sim-fail-before-first, OVERLOADED",
        "GEMINI, sim-fail-before-first, SERVER_ERROR",
        "OPENAI, sim-drop, NETWORK", "ANTHROPIC, sim-drop, NETWORK", "GEMINI, sim-drop, NETWORK"
    })
    void everyFaultKeyIsThatFormatsOwnErrorBeforeAnyContent(WireFormat format, String key, ErrorClass expected) {
        List<Signal<ChatChunk>> signals = stream(format, key);

        assertThat(text(signals)).isEmpty();
        UpstreamException error = error(signals);
        assertThat(error.errorClass()).isEqualTo(expected);
        if (expected == ErrorClass.RATE_LIMITED) {
            assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        }
        if (expected == ErrorClass.BAD_REQUEST) {
            assertThat(error.upstreamCode()).isEqualTo("context_length_exceeded");
        }
        assertThat(error.getMessage()).doesNotContain(key);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void failAfterNKeysDeliverNChunksThenAnInBandError(WireFormat format) {
        List<Signal<ChatChunk>> signals = stream(format, "sim-fail-after-2");

        assertThat(text(signals)).isEqualTo("Simulated answer ");
        assertThat(error(signals).status()).as("in-band, not an HTTP status").isZero();
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void anInvalidKeyFailsTheKeyCheck(WireFormat format) {
        Throwable error = client(format, "sim-invalid-1").checkKey().materialize().block(Duration.ofSeconds(5)).getThrowable();

        assertThat(error).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_KEY));
    }
}
