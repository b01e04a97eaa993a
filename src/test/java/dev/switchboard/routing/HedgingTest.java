package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.HedgeProperties;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ChatChunk;

import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The hedged first chunk, in virtual time. */
class HedgingTest {

    private static final Duration HEDGE_AFTER = Duration.ofMillis(200);
    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);

    private final Map<String, ScriptedClient> scripts = new HashMap<>();
    private final ProviderRegistry registry = new ProviderRegistry(List.of(TestProviders.provider("p", 3)));
    private final HedgePolicy policy = new HedgePolicy(
            new HedgeProperties(true, HEDGE_AFTER, 0.95, Duration.ofMillis(100), 20, 0.05, 10));
    private final TestRouting routing = new TestRouting(registry,
            new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, policy);

    private static ChatCommand.Builder request() {
        return ChatCommand.builder("req-1", Surface.SSE, List.of(new ChatMessage("user", "hello"))).provider("p")
                .model("p-model");
    }

    private static Flux<ChatChunk> answer(String text) {
        return Flux.just(new ChatChunk.Delta(text), new ChatChunk.Finish("stop"));
    }

    private static Flux<ChatChunk> answerAfter(Duration wait, String text) {
        return answer(text).delaySubscription(wait);
    }

    private Flux<StreamEvent> stream(ChatCommand command) {
        return routing.chain.stream(routing.router.begin(command));
    }

    private static List<String> attempts(StreamEvent done) {
        return ((StreamEvent.Done) done).result().attempts().stream().map(a -> a.key() + "=" + a.outcome()).toList();
    }

    @Test
    void aSlowFirstChunkIsHedgedAndTheFasterRivalWins() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(3), "slow")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("fast")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .expectNoEvent(HEDGE_AFTER.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> {
                    StreamEvent.Committed committed = (StreamEvent.Committed) event;
                    assertThat(committed.route().key()).isEqualTo("p#2");
                    assertThat(committed.attempts()).extracting(a -> a.key() + "=" + a.outcome())
                            .containsExactly("p#1=hedged_out");
                })
                .expectNext(new StreamEvent.Text("fast"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#1=hedged_out", "p#2=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#1").cancellations()).as("the loser's upstream call was cancelled").isEqualTo(1);
        assertThat(policy.hedges()).isEqualTo(1);
        assertThat(policy.hedgeWins()).isEqualTo(1);
    }

    @Test
    void theFirstCallWinsWhenItDeliversBeforeItsRival() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofMillis(500), "first")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(2), "second")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(499))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNext(new StreamEvent.Text("first"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#2=hedged_out", "p#1=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).as("the hedge was started").isEqualTo(1);
        assertThat(scripts.get("p#2").cancellations()).isEqualTo(1);
        assertThat(policy.hedgeWins()).isZero();
    }

    @Test
    void hedgeFalseInTheRequestNeverHedges() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(3), "slow")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("fast")));

        StepVerifier.withVirtualTime(() -> stream(request().hedge(false).build()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(2999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNextCount(2)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void aRequestWithoutFallbackIsNotHedged() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(1), "slow")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("fast")));

        StepVerifier.withVirtualTime(() -> stream(request().fallback(false).build()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNextCount(2)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void aStreamThatCommittedIsNeverHedgedThoughItPausesPastTheDelay() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("a")),
                answerAfter(Duration.ofSeconds(1), "b"))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("never")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNext(new StreamEvent.Text("a"))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(new StreamEvent.Text("b"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#1=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void aShortAnswerBeforeTheDelayIsNotHeldOpenByTheHedgeTimer() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answer("quick")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("never")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(new StreamEvent.Text("quick"))
                .expectNextMatches(StreamEvent.Done.class::isInstance)
                // no virtual time passes: the stream completes before the hedge delay would end
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void aHedgeThatFailsLeavesTheFirstCallRunning() {
        theFirstCallGoesOnAfterAFailedHedge(ScriptedClient.streaming(() -> Flux.error(UpstreamException.of(
                ErrorClass.SERVER_ERROR, "boom"))));
    }

    @Test
    void aHedgeWhoseStreamEndsWithoutContentIsAFailedAttemptAndTheFirstCallGoesOn() {
        theFirstCallGoesOnAfterAFailedHedge(ScriptedClient.streaming(Flux::empty));
    }

    /** The slow first call delivers after its hedge ({@code hedge}) failed; no third call is made. */
    private void theFirstCallGoesOnAfterAFailedHedge(ScriptedClient hedge) {
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(3), "slow")));
        scripts.put("p#2", hedge);
        scripts.put("p#3", ScriptedClient.streaming(() -> answer("third")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(2999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNext(new StreamEvent.Text("slow"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#2=error", "p#1=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#3").calls()).as("one hedge per request").isZero();
    }

    @Test
    void aHedgeTheProvidersBulkheadRefusesLeavesTheFirstCallRunning() {
        // one call at a time to the provider: the hedge of this Path B request meets a full bulkhead
        ProviderRegistry oneCallAtATime = new ProviderRegistry(List.of(TestProviders.custom("p", 3,
                List.of(new ModelProperties("p-model", 1, null, 0)), 0, 1, List.of())));
        TestRouting narrow = new TestRouting(oneCallAtATime,
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, policy);
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(3), "slow")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("fast")));

        StepVerifier.withVirtualTime(() -> narrow.chain.stream(narrow.router.begin(request().build())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(2999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#1"))
                .expectNext(new StreamEvent.Text("slow"))
                .assertNext(done -> assertThat(attempts(done)).last().isEqualTo("p#1=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).as("the bulkhead refused the hedge before its call").isZero();
        assertThat(scripts.get("p#1").cancellations()).as("the first call was not stopped").isZero();
    }

    @Test
    void whenBothRacersFailTheRequestGoesOnToTheNextCandidate() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.<ChatChunk>error(UpstreamException.of(
                ErrorClass.SERVER_ERROR, "first broke")).delaySubscription(Duration.ofSeconds(1))));
        scripts.put("p#2", ScriptedClient.streaming(() -> Flux.<ChatChunk>error(UpstreamException.of(
                ErrorClass.SERVER_ERROR, "hedge broke")).delaySubscription(Duration.ofMillis(300))));
        scripts.put("p#3", ScriptedClient.streaming(() -> answer("third")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1).plus(ResilienceProperties.defaults().maxBackoff()))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#3"))
                .expectNext(new StreamEvent.Text("third"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#2=error", "p#1=error", "p#3=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aFirstCallRefusedAsABadRequestEndsTheRequestAndStopsTheHedge() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.<ChatChunk>error(UpstreamException.of(
                ErrorClass.BAD_REQUEST, "no such parameter")).delaySubscription(Duration.ofSeconds(1))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(5), "hedge")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UpstreamException.class)
                        .extracting(e -> ((UpstreamException) e).errorClass()).isEqualTo(ErrorClass.BAD_REQUEST))
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).as("the hedge had started").isEqualTo(1);
        assertThat(scripts.get("p#2").cancellations()).as("and is stopped with the request").isEqualTo(1);
    }

    @Test
    void aFirstCallThatFailsBeforeTheDelayFallsBackAsUsual() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.<ChatChunk>error(UpstreamException.of(
                ErrorClass.RATE_LIMITED, "slow down")).delaySubscription(Duration.ofMillis(50))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("second")));
        scripts.put("p#3", ScriptedClient.streaming(() -> answer("third")));

        StepVerifier.withVirtualTime(() -> stream(request().build()))
                .expectSubscription()
                .thenAwait(ResilienceProperties.defaults().maxBackoff())
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#2"))
                .expectNext(new StreamEvent.Text("second"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("p#1=error", "p#2=ok"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#3").calls()).isZero();
        assertThat(policy.hedges()).isZero();
    }

    @Test
    void theBudgetBoundsTheExtraCalls() {
        HedgePolicy tight = new HedgePolicy(
                new HedgeProperties(true, HEDGE_AFTER, 0.95, Duration.ofMillis(100), 20, 0.05, 1));
        TestRouting gateway = new TestRouting(registry,
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, tight);
        for (String key : List.of("p#1", "p#2", "p#3")) {
            scripts.put(key, ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(1), key)));
        }
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        try {
            for (int i = 0; i < 40; i++) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                gateway.chain.stream(gateway.router.begin(request().build())).subscribe(event -> { }, failure::set);
                time.advanceTimeBy(Duration.ofSeconds(2));
                assertThat(failure.get()).isNull();
            }
        } finally {
            VirtualTimeScheduler.reset();
        }
        int calls = scripts.values().stream().mapToInt(ScriptedClient::calls).sum();
        assertThat(tight.hedges()).as("one saved up, then one per 20 streams").isBetween(1L, 3L);
        assertThat(calls - 40).isEqualTo((int) tight.hedges());
        assertThat(tight.refused()).isEqualTo(40 - tight.hedges());
    }

    @Test
    void theRunningDelayIsThePercentileOfTheProvidersFirstContentAndNeverBelowTheFloor() {
        HedgePolicy running = new HedgePolicy(new HedgeProperties(true, null, 0.95, Duration.ofMillis(10), 20, 0.05, 10));
        for (int i = 1; i < 20; i++) {
            running.firstContent("p", "m", i);
        }
        assertThat(running.delay("p", "m")).as("too few samples to trust").isNull();
        for (int i = 20; i <= 100; i++) {
            running.firstContent("p", "m", i);
        }
        assertThat(running.delay("p", "m")).isEqualTo(Duration.ofMillis(95));
        assertThat(running.delay("p", "other")).isNull();

        for (int i = 0; i < 30; i++) {
            running.firstContent("q", "m", 3);
        }
        assertThat(running.delay("q", "m")).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void streamsAreHedgedOnceTheRunningDelayIsKnown() {
        HedgePolicy running = new HedgePolicy(new HedgeProperties(true, null, 0.95, Duration.ofMillis(10), 20, 0.05, 10));
        for (int i = 0; i < 20; i++) {
            running.firstContent("p", "p-model", 100);
        }
        TestRouting gateway = new TestRouting(registry,
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, running);
        scripts.put("p#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(3), "slow")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("fast")));

        StepVerifier.withVirtualTime(() -> gateway.chain.stream(gateway.router.begin(request().build())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#2"))
                .expectNextCount(2)
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowStreamWithNoHedgeToRaceBuildsNoExceptionWhileItWaits() throws Exception {
        // one key: past the delay there is no other candidate to hedge with, the common case of a slow stream
        // (the budget refuses most hedges)
        TestRouting solo = new TestRouting(new ProviderRegistry(List.of(TestProviders.provider("s", 1))),
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, policy);
        scripts.put("s#1", ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(1), "slow")));

        List<String> thrown = exceptionsBuiltWhile(() -> StepVerifier
                .withVirtualTime(() -> solo.chain.stream(solo.router.begin(request().provider("s").model("s-model")
                        .build())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("s#1"))
                .expectNext(new StreamEvent.Text("slow"))
                .assertNext(done -> assertThat(attempts(done)).containsExactly("s#1=ok"))
                .expectComplete().verify(Duration.ofSeconds(5)));

        assertThat(thrown).as("firstWithValue built no NoSuchElementException for the hedge that never started")
                .noneMatch(name -> name.equals(NoSuchElementException.class.getName()));
    }

    @Test
    void aSlowFirstCallThatFailsWithNoHedgeToRaceEndsTheRequestInsteadOfWaiting() {
        TestRouting solo = new TestRouting(new ProviderRegistry(List.of(TestProviders.provider("s", 1))),
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, policy);
        scripts.put("s#1", ScriptedClient.streaming(() -> Flux.<ChatChunk>error(UpstreamException.of(
                ErrorClass.BAD_REQUEST, "refused late")).delaySubscription(Duration.ofSeconds(1))));

        StepVerifier.withVirtualTime(() -> solo.chain.stream(solo.router.begin(request().provider("s")
                        .model("s-model").build())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("refused late"))
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("s#1").calls()).isEqualTo(1);
    }

    @Test
    void aFirstCallThatFailsAfterTheBudgetRefusedItsHedgeFallsBackAsUsual() {
        // no share of the streams for hedges: the one saved up goes to the first request, none to the second
        HedgePolicy spent = new HedgePolicy(new HedgeProperties(true, HEDGE_AFTER, 0.95, Duration.ofMillis(100), 20,
                0, 1));
        TestRouting gateway = new TestRouting(registry,
                new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING, spent);
        for (String key : List.of("p#1", "p#2", "p#3")) {
            scripts.put(key, ScriptedClient.streaming(() -> answerAfter(Duration.ofSeconds(1), key)));
        }
        StepVerifier.withVirtualTime(() -> gateway.chain.stream(gateway.router.begin(request().build())))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(3)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(spent.hedges()).isEqualTo(1);

        // the second request: its first call fails late, whichever key it went to; the next answers at once
        AtomicReference<String> failedKey = new AtomicReference<>();
        for (String key : List.of("p#1", "p#2", "p#3")) {
            scripts.put(key, ScriptedClient.streaming(() -> failedKey.compareAndSet(null, key)
                    ? Flux.<ChatChunk>error(UpstreamException.of(ErrorClass.SERVER_ERROR, "broke late"))
                            .delaySubscription(Duration.ofSeconds(1))
                    : answer("after")));
        }
        StepVerifier.withVirtualTime(() -> gateway.chain.stream(gateway.router.begin(request().build())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofSeconds(1).plus(ResilienceProperties.defaults().maxBackoff()))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isNotEqualTo(
                        failedKey.get()))
                .expectNext(new StreamEvent.Text("after"))
                .assertNext(done -> assertThat(attempts(done)).hasSize(2).first().isEqualTo(failedKey.get() + "=error"))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(spent.hedges()).as("the second request's hedge was refused").isEqualTo(1);
    }

    /**
     * The classes of the exceptions built on any thread while {@code work} ran, from a JFR recording of
     * {@code jdk.JavaExceptionThrow} (every {@code Throwable} constructed, thrown or not).
     */
    private static List<String> exceptionsBuiltWhile(Runnable work) throws IOException {
        Path file = Files.createTempFile("hedging", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JavaExceptionThrow");
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .map(event -> event.getClass("thrownClass").getName())
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
