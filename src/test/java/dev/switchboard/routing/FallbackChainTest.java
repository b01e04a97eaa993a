package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class FallbackChainTest {

    private static final Duration FIRST_CHUNK = Duration.ofSeconds(5);
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), FIRST_CHUNK, IDLE,
            Duration.ofSeconds(1), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);

    private final Map<String, ScriptedClient> scripts = new HashMap<>();
    private final ProviderRegistry registry = new ProviderRegistry(List.of(
            TestProviders.provider("p", 3), TestProviders.provider("q", 1)));
    private final TestRouting routing = new TestRouting(registry,
            new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING);
    private final ChatRouter router = routing.router;
    private final FallbackChain chain = routing.chain;

    private static ChatCommand named(String model, boolean fallback) {
        return ChatCommand.builder("req-1", Surface.SSE, List.of(new ChatMessage("user", "hello")))
                .provider("p").model(model).fallback(fallback).build();
    }

    private static Flux<ChatChunk> answer(String... words) {
        Flux<ChatChunk> text = Flux.fromArray(words).map(ChatChunk.Delta::new);
        return Flux.concat(Flux.just(ChatChunk.KeepAlive.INSTANCE), text,
                Flux.just(new ChatChunk.Finish("stop"), new ChatChunk.UsageReport(Usage.reported(3, words.length))));
    }

    private static UpstreamException failure(ErrorClass errorClass) {
        return UpstreamException.of(errorClass, errorClass.code());
    }

    @Test
    void fallsBackToNextKeyWhenFirstChunkFails() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(ChatChunk.KeepAlive.INSTANCE),
                Flux.error(failure(ErrorClass.SERVER_ERROR)))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("Hello", " world")));
        RequestRun run = router.begin(named("m", true));

        StepVerifier.create(chain.stream(run))
                .assertNext(event -> {
                    StreamEvent.Committed committed = (StreamEvent.Committed) event;
                    assertThat(committed.route().key()).isEqualTo("p#2");
                    assertThat(committed.attempts()).singleElement()
                            .satisfies(a -> assertThat(a.errorClass().code()).isEqualTo("server_error"));
                })
                .expectNext(new StreamEvent.Text("Hello"), new StreamEvent.Text(" world"))
                .assertNext(event -> {
                    var result = ((StreamEvent.Done) event).result();
                    assertThat(result.usage()).isEqualTo(Usage.reported(3, 2));
                    assertThat(result.attempts()).extracting(a -> a.key() + "=" + a.success())
                            .containsExactly("p#1=false", "p#2=true");
                })
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#3")).isNull();
        assertThat(run.attemptCount()).as("the failed attempt and the answering one, as metrics and the dashboard count")
                .isEqualTo(2);
    }

    @Test
    void neverSwitchesAfterTheFirstChunk() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(answer("partial").take(2),
                Flux.error(failure(ErrorClass.SERVER_ERROR)))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("never")));

        StepVerifier.create(chain.stream(router.begin(named("m", true))))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(new StreamEvent.Text("partial"))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(MidStreamException.class);
                    assertThat(((MidStreamException) error).route().key()).isEqualTo("p#1");
                })
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void keepAlivesDoNotCountAsTheFirstChunkSoTheProbeTimesOutAndFallsBack() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.interval(Duration.ofSeconds(1))
                .map(tick -> ChatChunk.KeepAlive.INSTANCE)));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("ok")));

        StepVerifier.withVirtualTime(() -> chain.stream(router.begin(named("m", true))))
                .expectSubscription()
                .expectNoEvent(FIRST_CHUNK.minusMillis(1))
                // the timeout fires at FIRST_CHUNK; the same provider's next key follows after a short backoff
                .thenAwait(ResilienceProperties.defaults().maxBackoff())
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#2"))
                .expectNext(new StreamEvent.Text("ok"))
                .expectNextMatches(StreamEvent.Done.class::isInstance)
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#1").cancellations()).isEqualTo(1);
    }

    @Test
    void aUsageReportBeforeAnyContentDoesNotCommitTheStream() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(
                Flux.just(new ChatChunk.UsageReport(Usage.reported(9, 0))),
                Flux.error(failure(ErrorClass.SERVER_ERROR)))));
        scripts.put("p#2", ScriptedClient.streaming(() -> Flux.just(new ChatChunk.UsageReport(Usage.reported(5, 0)),
                new ChatChunk.Delta("ok"), new ChatChunk.Finish("stop"))));

        StepVerifier.create(chain.stream(router.begin(named("m", true))))
                .assertNext(event -> assertThat(((StreamEvent.Committed) event).route().key()).isEqualTo("p#2"))
                .expectNext(new StreamEvent.Text("ok"))
                .assertNext(event -> assertThat(((StreamEvent.Done) event).result().usage().promptTokens()).isEqualTo(5))
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aSilentCommittedStreamEndsWithAnErrorAfterTheIdleTimeout() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("a")), Flux.never())));

        StepVerifier.withVirtualTime(() -> chain.stream(router.begin(named("m", true))))
                .expectNextCount(2)
                .expectNoEvent(IDLE.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(error -> assertThat(((MidStreamException) error).failure().errorClass())
                        .isEqualTo(ErrorClass.TIMEOUT))
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#1").cancellations()).isEqualTo(1);
    }

    @Test
    void everyCandidateFailingBeforeContentIsOneErrorListingEachAttempt() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.error(failure(ErrorClass.RATE_LIMITED))));
        scripts.put("p#2", ScriptedClient.streaming(() -> Flux.error(failure(ErrorClass.NETWORK))));
        scripts.put("p#3", ScriptedClient.streaming(Flux::empty));

        StepVerifier.create(chain.stream(router.begin(named("m", true))))
                .expectErrorSatisfies(error -> {
                    CandidatesExhaustedException failed = (CandidatesExhaustedException) error;
                    assertThat(ErrorAnswers.of(failed, null).status()).isEqualTo(503);
                    assertThat(failed.code()).isEqualTo("all_keys_failed");
                    assertThat(failed.attempts()).extracting(a -> a.key() + ":" + a.errorClass())
                            .containsExactly("p#1:rate_limited", "p#2:network", "p#3:server_error");
                })
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aBadRequestGoesStraightBackWithoutTryingOtherKeys() {
        scripts.put("p#1", ScriptedClient.completing(() -> Mono.error(failure(ErrorClass.BAD_REQUEST))));
        scripts.put("p#2", ScriptedClient.completing(() -> Mono.just(new Completion("x", "stop", Usage.NONE))));

        StepVerifier.create(chain.complete(router.begin(named("m", true))))
                .expectErrorSatisfies(error -> assertThat(((UpstreamException) error).errorClass())
                        .isEqualTo(ErrorClass.BAD_REQUEST))
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void fallbackFalseMakesASingleAttempt() {
        scripts.put("p#1", ScriptedClient.completing(() -> Mono.error(failure(ErrorClass.SERVER_ERROR))));
        scripts.put("p#2", ScriptedClient.completing(() -> Mono.just(new Completion("x", "stop", Usage.NONE))));

        StepVerifier.create(chain.complete(router.begin(named("m", false))))
                .expectErrorSatisfies(error -> assertThat(((CandidatesExhaustedException) error).attempts()).hasSize(1))
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }

    @Test
    void syncFallbackEstimatesUsageWhenTheProviderReportsNone() {
        scripts.put("p#1", ScriptedClient.completing(() -> Mono.error(failure(ErrorClass.TIMEOUT))));
        scripts.put("p#2", ScriptedClient.completing(() -> Mono.just(new Completion("twelve chars", "stop", Usage.NONE))));

        StepVerifier.create(chain.complete(router.begin(named("m", true))))
                .assertNext(result -> {
                    assertThat(result.content()).isEqualTo("twelve chars");
                    assertThat(result.route().key()).isEqualTo("p#2");
                    assertThat(result.usage().estimated()).isTrue();
                    assertThat(result.usage().completionTokens()).isEqualTo(3);
                })
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void cancellingTheRequestCancelsTheUpstreamCall() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("a")), Flux.never())));

        StepVerifier.create(chain.stream(router.begin(named("m", true))))
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#1").cancellations()).isEqualTo(1);
    }

    @Test
    void oneDeadlineSpansAllAttempts() {
        RoutingProperties tight = new RoutingProperties(Duration.ofSeconds(8), FIRST_CHUNK, IDLE, Duration.ofSeconds(1),
                Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);
        TestRouting tightRouting = new TestRouting(registry, new ProviderClients((p, k) -> scripts.get(k.alias())), tight);
        ChatRouter tightRouter = tightRouting.router;
        FallbackChain tightChain = tightRouting.chain;
        scripts.put("p#1", ScriptedClient.completing(Mono::never));
        scripts.put("p#2", ScriptedClient.completing(Mono::never));
        scripts.put("p#3", ScriptedClient.completing(Mono::never));

        StepVerifier.withVirtualTime(() -> tightChain.complete(tightRouter.begin(named("m", true))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(7999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(error -> {
                    CandidatesExhaustedException failed = (CandidatesExhaustedException) error;
                    assertThat(ErrorAnswers.of(failed, null).status()).isEqualTo(504);
                    assertThat(failed.attempts()).hasSize(1);
                })
                .verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#2").calls()).isZero();
    }
}
