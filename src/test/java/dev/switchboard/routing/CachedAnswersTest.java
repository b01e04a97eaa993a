package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.ResponseCache;
import dev.switchboard.chat.CacheDirective;
import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.CacheProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ProviderClient;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.support.StartupGate;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** The pipeline's cache step: hits ask no provider, streams replay in the same shapes, only whole answers are kept. */
class CachedAnswersTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);

    private final AtomicReference<ScriptedClient> upstream = new AtomicReference<>();
    /** Clients are cached per key, so the one client hands each call to the script of the moment. */
    private final ProviderClient current = new ProviderClient() {
        @Override
        public Mono<Completion> complete(UpstreamRequest request) {
            return upstream.get().complete(request);
        }

        @Override
        public Flux<ChatChunk> stream(UpstreamRequest request) {
            return upstream.get().stream(request);
        }

        @Override
        public Mono<Void> checkKey() {
            return Mono.empty();
        }
    };
    private final TestRouting routing = new TestRouting(new ProviderRegistry(List.of(TestProviders.provider("p", 1))),
            new ProviderClients((provider, key) -> current), ROUTING);
    private final List<RequestRun> runs = new CopyOnWriteArrayList<>();
    private final ResponseCache cache = new ResponseCache(new CacheProperties(true, 100, DataSize.ofMegabytes(1),
            DataSize.ofMegabytes(1), false, Duration.ofMinutes(1), Duration.ofHours(1), Map.of(), Map.of(), Map.of()),
            JsonMapper.builder().build(), null, routing.clock, new SimpleMeterRegistry());
    private final ChatService chat = new ChatService(routing.router, routing.chain, List.of(runs::add),
            StartupGate.alreadyOpen(), RequestAdmission.OPEN, routing.clock, cache, RequestTracing.OFF);

    private static ChatCommand cached(String question) {
        return ChatCommand.builder("req-" + question.length(), Surface.SSE, List.of(new ChatMessage("user", question)))
                .cache(CacheDirective.fromCacheControl("max-age=300")).build();
    }

    private static Flux<ChatChunk> answer(String... words) {
        return Flux.concat(Flux.fromArray(words).map(ChatChunk.Delta::new),
                Flux.just(new ChatChunk.Finish("stop"), new ChatChunk.UsageReport(Usage.reported(5, words.length))));
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithoutAskingTheProvider() {
        ScriptedClient provider = ScriptedClient.completing(() -> Mono.just(new Completion("Four.", "stop",
                Usage.reported(9, 2))));
        upstream.set(provider);

        ChatResult first = chat.complete(cached("What is 2+2?")).block(WAIT);
        ChatResult second = chat.complete(cached("What is 2+2?")).block(WAIT);

        assertThat(first.cache()).isEqualTo(CacheStatus.MISS);
        assertThat(second.cache()).isEqualTo(CacheStatus.HIT);
        assertThat(second.content()).isEqualTo("Four.");
        assertThat(second.usage()).as("the answer's own usage, as the client saw it").isEqualTo(Usage.reported(9, 2));
        assertThat(second.attempts()).isEmpty();
        assertThat(provider.calls()).isEqualTo(1);
        RequestRun hit = runs.get(1);
        assertThat(hit.cacheHit()).isTrue();
        assertThat(hit.outcome()).isEqualTo(RequestRun.Outcome.SUCCESS);
        assertThat(hit.usage().totalTokens()).as("no tokens spent now").isZero();
        assertThat(hit.cachedUsage()).isEqualTo(Usage.reported(9, 2));
        assertThat(hit.attemptCount()).isZero();
    }

    @Test
    void aStreamedHitReplaysTheAnswerAsTheSameEvents() {
        ScriptedClient provider = ScriptedClient.streaming(() -> answer("The ", "answer ", "is ", "four."));
        upstream.set(provider);
        List<StreamEvent> fresh = chat.stream(cached("Stream it")).collectList().block(WAIT);

        StepVerifier.create(chat.stream(cached("Stream it")))
                .assertNext(event -> {
                    StreamEvent.Committed committed = (StreamEvent.Committed) event;
                    assertThat(committed.cache()).isEqualTo(CacheStatus.HIT);
                    assertThat(committed.route().provider()).isEqualTo("p");
                })
                .expectNext(new StreamEvent.Text("The answer is four."))
                .assertNext(event -> {
                    ChatResult result = ((StreamEvent.Done) event).result();
                    assertThat(result.finishReason()).isEqualTo("stop");
                    assertThat(result.cache()).isEqualTo(CacheStatus.HIT);
                })
                .expectComplete()
                .verify(WAIT);

        assertThat(((StreamEvent.Committed) fresh.get(0)).cache()).isEqualTo(CacheStatus.MISS);
        assertThat(fresh).filteredOn(StreamEvent.Text.class::isInstance).hasSize(4);
        assertThat(provider.calls()).isEqualTo(1);
    }

    @Test
    void aStreamThatBreaksOrIsCancelledIsNotKept() {
        upstream.set(ScriptedClient.streaming(() -> Flux.concat(answer("partial ").take(1),
                Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR, "boom")))));
        StepVerifier.create(chat.stream(cached("Break")))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(new StreamEvent.Text("partial "))
                .expectError(MidStreamException.class)
                .verify(WAIT);

        upstream.set(ScriptedClient.streaming(() -> Flux.concat(answer("slow ").take(1), Flux.never())));
        StepVerifier.create(chat.stream(cached("Cancel")))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(new StreamEvent.Text("slow "))
                .thenCancel()
                .verify(WAIT);

        ScriptedClient healthy = ScriptedClient.streaming(() -> answer("whole"));
        upstream.set(healthy);
        chat.stream(cached("Break")).blockLast(WAIT);
        chat.stream(cached("Cancel")).blockLast(WAIT);
        assertThat(healthy.calls()).as("neither was served from the cache").isEqualTo(2);
    }

    @Test
    void errorsAreNotKept() {
        upstream.set(ScriptedClient.completing(() -> Mono.error(UpstreamException.of(ErrorClass.SERVER_ERROR, "x"))));
        StepVerifier.create(chat.complete(cached("Fail"))).expectError().verify(WAIT);

        ScriptedClient healthy = ScriptedClient.completing(() -> Mono.just(new Completion("ok", "stop", Usage.NONE)));
        upstream.set(healthy);
        assertThat(chat.complete(cached("Fail")).block(WAIT).cache()).isEqualTo(CacheStatus.MISS);
        assertThat(healthy.calls()).isEqualTo(1);
    }

    @Test
    void withoutADirectiveTheCacheStaysOutOfTheWay() {
        ScriptedClient provider = ScriptedClient.completing(() -> Mono.just(new Completion("x", "stop", Usage.NONE)));
        upstream.set(provider);
        ChatCommand plain = ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "hi"))).build();

        assertThat(chat.complete(plain).block(WAIT).cache()).isEqualTo(CacheStatus.NONE);
        assertThat(chat.complete(plain).block(WAIT).cache()).isEqualTo(CacheStatus.NONE);
        assertThat(provider.calls()).isEqualTo(2);
        ChatCommand bypass = plain.toBuilder().cache(CacheDirective.fromCacheControl("no-store")).build();
        assertThat(chat.complete(bypass).block(WAIT).cache()).isEqualTo(CacheStatus.BYPASS);
    }
}
