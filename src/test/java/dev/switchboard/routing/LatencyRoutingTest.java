package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.ProviderOrder;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.support.SchedulerClock;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@code key-strategy: latency} and {@code provider-order: latency}, in virtual time. */
class LatencyRoutingTest {

    private static final Duration SLOW = Duration.ofSeconds(2);

    private VirtualTimeScheduler time;
    private final Map<String, Supplier<Flux<ChatChunk>>> answers = new HashMap<>();

    @BeforeEach
    void virtualTime() {
        time = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    private static RoutingProperties routing(KeyStrategy keys, ProviderOrder providers) {
        return new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofMinutes(10), 10, keys, DataSize.ofMegabytes(32), 100, providers, false);
    }

    private TestRouting gateway(RoutingProperties routing, Provider... providers) {
        ProviderRegistry registry = new ProviderRegistry(List.of(providers));
        Map<String, ScriptedClient> clients = new HashMap<>();
        return new TestRouting(registry, new ProviderClients((provider, key) -> clients.computeIfAbsent(key.alias(),
                alias -> ScriptedClient.streaming(() -> Flux.defer(() -> answers.get(alias).get())))), routing);
    }

    private static Flux<ChatChunk> fast() {
        return Flux.just(new ChatChunk.Delta("ok"), new ChatChunk.Finish("stop"));
    }

    private static Flux<ChatChunk> slow() {
        return fast().delaySubscription(SLOW);
    }

    /** Runs one streamed request to its end (virtual time) and tells which key answered. */
    private String oneRequest(TestRouting gateway, ChatCommand command) {
        AtomicReference<String> key = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        gateway.chain.stream(gateway.router.begin(command)).ofType(StreamEvent.Committed.class)
                .subscribe(committed -> key.set(committed.route().key()), failure::set);
        time.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(failure.get()).isNull();
        assertThat(key.get()).as("the request ended within its virtual time").isNotNull();
        return key.get();
    }

    private static ChatCommand toProvider(String provider) {
        return ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi"))).provider(provider).build();
    }

    private static ChatCommand auto() {
        return ChatCommand.builder("req", Surface.SSE, List.of(new ChatMessage("user", "hi"))).build();
    }

    private Map<String, Integer> share(TestRouting gateway, ChatCommand command, int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            counts.merge(oneRequest(gateway, command), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinGivesASlowKeyItsFullShare() {
        TestRouting gateway = gateway(routing(KeyStrategy.ROUND_ROBIN, ProviderOrder.ROUND_ROBIN),
                TestProviders.provider("p", 2, true, KeyStrategy.ROUND_ROBIN));
        answers.put("p#1", LatencyRoutingTest::slow);
        answers.put("p#2", LatencyRoutingTest::fast);

        assertThat(share(gateway, toProvider("p"), 20)).containsEntry("p#1", 10).containsEntry("p#2", 10);
    }

    @Test
    void theLatencyStrategySendsLittleToASlowKeyAndGivesItsShareBackOnceItIsFast() {
        TestRouting gateway = gateway(routing(KeyStrategy.LATENCY, ProviderOrder.ROUND_ROBIN),
                TestProviders.provider("p", 2, true, KeyStrategy.LATENCY));
        answers.put("p#1", LatencyRoutingTest::slow);
        answers.put("p#2", LatencyRoutingTest::fast);

        assertThat(oneRequest(gateway, toProvider("p"))).as("nothing measured yet: the rotation decides").isEqualTo("p#1");
        assertThat(gateway.paces.view("p", "p#1").firstContentMs()).as("2 s, faded a little since").isGreaterThan(1900.0);
        assertThat(share(gateway, toProvider("p"), 20).getOrDefault("p#1", 0))
                .as("the slow key loses every comparison while its figure is high").isZero();

        answers.put("p#1", LatencyRoutingTest::fast);
        time.advanceTimeBy(Duration.ofMinutes(3));
        assertThat(share(gateway, toProvider("p"), 20).getOrDefault("p#1", 0))
                .as("its figure faded, it was tried again, and it is fast now").isGreaterThanOrEqualTo(8);
    }

    @Test
    void providerOrderLatencyStartsPathAWithTheFasterProvider() {
        TestRouting gateway = gateway(routing(KeyStrategy.ROUND_ROBIN, ProviderOrder.LATENCY),
                TestProviders.provider("p", 1), TestProviders.provider("q", 1));
        answers.put("p#1", LatencyRoutingTest::slow);
        answers.put("q#1", LatencyRoutingTest::fast);

        Map<String, Integer> counts = share(gateway, auto(), 20);
        assertThat(counts.getOrDefault("p#1", 0)).isLessThanOrEqualTo(2);
        assertThat(counts.get("q#1")).isGreaterThanOrEqualTo(18);
    }

    @Test
    void providerOrderRoundRobinAlternates() {
        TestRouting gateway = gateway(routing(KeyStrategy.ROUND_ROBIN, ProviderOrder.ROUND_ROBIN),
                TestProviders.provider("p", 1), TestProviders.provider("q", 1));
        answers.put("p#1", LatencyRoutingTest::slow);
        answers.put("q#1", LatencyRoutingTest::fast);

        assertThat(share(gateway, auto(), 20)).containsEntry("p#1", 10).containsEntry("q#1", 10);
    }

    @Test
    void callsInFlightWeighAgainstAKeyOfEqualPace() {
        Paces paces = new Paces(LatencyProperties.defaults(), SchedulerClock.utc());
        Provider provider = TestProviders.provider("p", 2, true, KeyStrategy.LATENCY);
        List<ApiKey> keys = provider.keys().keys();
        Candidate busy = new Candidate(provider, keys.get(0), "p-model", ScriptedClient.streaming(Flux::empty),
                dev.switchboard.chat.RoutePath.MODEL);
        Candidate idle = new Candidate(provider, keys.get(1), "p-model", ScriptedClient.streaming(Flux::empty),
                dev.switchboard.chat.RoutePath.MODEL);
        paces.firstContent(busy, 100);
        paces.firstContent(idle, 100);
        for (int i = 0; i < 3; i++) {
            paces.started(busy);
        }

        assertThat(paces.order(provider, keys, key -> true)).extracting(ApiKey::alias).containsExactly("p#2", "p#1");
        assertThat(paces.view("p", "p#1").inFlight()).isEqualTo(3);
        assertThat(paces.view("p").inFlight()).isEqualTo(3);
    }

    @Test
    void aSuccessCountsOnItsKeyItsProviderAndAllWithItsTokensAndAWholeAnswersTimeToFirstContent() {
        Paces paces = new Paces(LatencyProperties.defaults(), SchedulerClock.utc());
        Provider provider = TestProviders.provider("p", 2, true, KeyStrategy.LATENCY);
        Candidate answered = new Candidate(provider, provider.keys().keys().get(0), "p-model",
                ScriptedClient.streaming(Flux::empty), dev.switchboard.chat.RoutePath.MODEL);
        paces.outcome(answered, true);

        paces.succeeded(answered, 250, 40, 30);
        paces.succeeded(answered, -1, 10, 0);

        PaceView key = paces.view("p", "p#1");
        assertThat(key.firstContentMs()).as("one whole answer's; the stream's was recorded at its start").isEqualTo(250.0);
        assertThat(key.errorRate()).as("the successes count against the failure").isGreaterThan(0.0).isLessThan(1.0);
        assertThat(key.promptTokens()).isEqualTo(50);
        assertThat(key.cachedTokens()).isEqualTo(30);
        assertThat(paces.view("p").promptTokens()).isEqualTo(50);
        assertThat(paces.view("p").firstContentMs()).isEqualTo(250.0);
        assertThat(paces.view("p", "p#2").promptTokens()).isZero();
    }

    @Test
    void errorsWeighAgainstAKeyOfEqualPace() {
        Paces paces = new Paces(LatencyProperties.defaults(), SchedulerClock.utc());
        Provider provider = TestProviders.provider("p", 2, true, KeyStrategy.LATENCY);
        List<ApiKey> keys = provider.keys().keys();
        Candidate failing = new Candidate(provider, keys.get(0), "p-model", ScriptedClient.streaming(Flux::empty),
                dev.switchboard.chat.RoutePath.MODEL);
        Candidate sound = new Candidate(provider, keys.get(1), "p-model", ScriptedClient.streaming(Flux::empty),
                dev.switchboard.chat.RoutePath.MODEL);
        paces.firstContent(failing, 100);
        paces.firstContent(sound, 100);
        paces.outcome(failing, true);
        paces.outcome(sound, false);

        assertThat(paces.order(provider, keys, key -> true)).extracting(ApiKey::alias).containsExactly("p#2", "p#1");
        assertThat(paces.view("p", "p#1").errorRate()).isEqualTo(1.0);
    }

    @Test
    void aKeyThatCannotTakeACallIsNeverChosenFirst() {
        Paces paces = new Paces(LatencyProperties.defaults(), SchedulerClock.utc());
        Provider provider = TestProviders.provider("p", 3, true, KeyStrategy.LATENCY);
        List<ApiKey> keys = provider.keys().keys();
        Candidate fastest = new Candidate(provider, keys.get(2), "p-model", ScriptedClient.streaming(Flux::empty),
                dev.switchboard.chat.RoutePath.MODEL);
        paces.firstContent(fastest, 1);

        for (int i = 0; i < 20; i++) {
            assertThat(paces.order(provider, keys, key -> !key.alias().equals("p#3")).get(0).alias())
                    .isNotEqualTo("p#3");
        }
    }

    @Test
    void aFailedCallCountsAgainstItsKeyButABadRequestDoesNot() {
        TestRouting gateway = gateway(routing(KeyStrategy.LATENCY, ProviderOrder.ROUND_ROBIN),
                TestProviders.provider("p", 1, true, KeyStrategy.LATENCY));
        answers.put("p#1", () -> Flux.error(UpstreamException.of(ErrorClass.BAD_REQUEST, "bad")));
        gateway.chain.stream(gateway.router.begin(toProvider("p"))).subscribe(event -> { }, error -> { });
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(gateway.paces.view("p", "p#1").errorRate()).isZero();
        assertThat(gateway.paces.view("p", "p#1").calls()).isEqualTo(1);
        assertThat(gateway.paces.view("p", "p#1").inFlight()).isZero();

        answers.put("p#1", () -> Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR, "boom")));
        gateway.chain.stream(gateway.router.begin(toProvider("p"))).subscribe(event -> { }, error -> { });
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(gateway.paces.view("p", "p#1").errorRate()).as("one failure, faded for a second").isGreaterThan(0.8);
    }
}
