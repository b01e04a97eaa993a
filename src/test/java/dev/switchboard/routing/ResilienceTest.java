package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.ErrorOverride;
import dev.switchboard.config.KeyHealthProperties;
import dev.switchboard.config.ModelProperties;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Circuit breaker, bulkhead, waiting for cooling keys, model fallback, error overrides, on virtual time. */
class ResilienceTest {

    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10), 10, KeyStrategy.ROUND_ROBIN);
    private static final KeyHealthProperties NO_FAILURE_COOLING = new KeyHealthProperties(Duration.ofHours(24),
            Duration.ofMinutes(60), Duration.ofHours(24), 1000, Duration.ofMinutes(10), 0, false, Duration.ofSeconds(1),
            Duration.ofMinutes(10));

    private final Map<String, ScriptedClient> scripts = new HashMap<>();
    private VirtualTimeScheduler time;

    @BeforeEach
    void virtualTime() {
        time = VirtualTimeScheduler.getOrSet();
        time.advanceTimeTo(Instant.parse("2026-11-23T10:00:00Z"));
    }

    @AfterEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    private TestRouting routing(Provider... providers) {
        return new TestRouting(new ProviderRegistry(List.of(providers)),
                new ProviderClients((p, k) -> scripts.get(k.alias())), ROUTING, NO_FAILURE_COOLING,
                ResilienceProperties.defaults(), AttemptListener.NONE);
    }

    private static ChatCommand pathA() {
        return ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "hi"))).build();
    }

    private static ChatCommand pathB(String provider, String model, boolean modelFallback) {
        return ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "hi")))
                .provider(provider).model(model).modelFallback(modelFallback).build();
    }

    /** Runs a request on the shared virtual clock until it ends (or the virtual time given has passed). */
    private <T> Outcome<T> run(Supplier<Mono<T>> request, Duration advance) {
        Outcome<T> outcome = new Outcome<>();
        Mono.defer(request).subscribe(value -> outcome.value = value, error -> outcome.error = error,
                () -> outcome.done = true);
        time.advanceTime();
        if (!advance.isZero()) {
            time.advanceTimeBy(advance);
        }
        return outcome;
    }

    private <T> T ok(Supplier<Mono<T>> request) {
        Outcome<T> outcome = run(request, Duration.ZERO);
        assertThat(outcome.error).as("request failed").isNull();
        assertThat(outcome.value).as("request answered").isNotNull();
        return outcome.value;
    }

    private <T> Throwable error(Supplier<Mono<T>> request) {
        Outcome<T> outcome = run(request, Duration.ZERO);
        assertThat(outcome.error).as("request failed").isNotNull();
        return outcome.error;
    }

    /** What a request did. */
    private static final class Outcome<T> {
        volatile T value;
        volatile Throwable error;
        volatile boolean done;
    }

    private static Mono<Completion> ok() {
        return Mono.just(new Completion("fine", "stop", Usage.reported(1, 1)));
    }

    private static Mono<Completion> fail(ErrorClass errorClass, Duration hint) {
        return Mono.error(new UpstreamException(errorClass, 503, null, errorClass.code(), hint));
    }

    @Test
    void theCircuitOpensAfterFiveProviderFailuresThenPathASkipsItUntilHalfOpenTrialsSucceed() {
        Provider a = TestProviders.provider("a", 1);
        Provider b = TestProviders.provider("b", 1);
        AtomicInteger aCalls = new AtomicInteger();
        boolean[] aHealthy = {false};
        scripts.put("a#1", ScriptedClient.completing(() -> {
            aCalls.incrementAndGet();
            return aHealthy[0] ? ok() : fail(ErrorClass.SERVER_ERROR, null);
        }));
        scripts.put("b#1", ScriptedClient.completing(ResilienceTest::ok));
        TestRouting routing = routing(a, b);

        for (int i = 0; i < 10; i++) {
            ok(() -> routing.chain.complete(routing.router.begin(pathA())));
        }
        assertThat(aCalls).as("five failures open the circuit").hasValue(5);
        assertThat(routing.guards.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathA()))).attempts())
                .extracting(at -> at.provider()).containsExactly("b");

        time.advanceTimeBy(Duration.ofSeconds(61));
        aHealthy[0] = true;
        for (int i = 0; i < 6; i++) {
            ok(() -> routing.chain.complete(routing.router.begin(pathA())));
        }
        assertThat(routing.guards.circuitBreaker(a).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(aCalls.get()).isGreaterThanOrEqualTo(5 + 3);
    }

    @Test
    void pathBFailsFastWithProviderUnavailableWhileTheCircuitIsOpen() {
        Provider a = TestProviders.provider("a", 1);
        scripts.put("a#1", ScriptedClient.completing(() -> fail(ErrorClass.NETWORK, null)));
        TestRouting routing = routing(a);
        routing.guards.circuitBreaker(a).transitionToOpenState();

        Throwable error = error(() -> routing.chain.complete(routing.router.begin(pathB("a", "a-model", false))));
        assertThat(ErrorAnswers.of(error, null).code()).isEqualTo("provider_unavailable");
        assertThat(scripts.get("a#1").calls()).isZero();
    }

    @Test
    void aFullBulkheadIs429OnPathBAndAnotherProviderOnPathA() {
        Provider a = TestProviders.custom("a", 2, List.of(new ModelProperties("a-model", 1, null, 0)), 0, 1, List.of());
        Provider b = TestProviders.provider("b", 1);
        scripts.put("a#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("x")), Flux.never())));
        scripts.put("a#2", ScriptedClient.completing(ResilienceTest::ok));
        scripts.put("b#1", ScriptedClient.completing(ResilienceTest::ok));
        TestRouting routing = routing(a, b);
        var holding = routing.chain.stream(routing.router.begin(pathB("a", "a-model", false))).subscribe();

        time.advanceTime();
        ErrorAnswers.Answer busy = ErrorAnswers.of(error(() -> routing.chain.complete(
                routing.router.begin(pathB("a", "a-model", false)))), null);
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.code()).isEqualTo("provider_busy");
        assertThat(busy.retryAfter()).isNotNull();
        for (int i = 0; i < 2; i++) {
            assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathA()))).route().provider()).isEqualTo("b");
        }
        holding.dispose();
    }

    @Test
    void whenEveryKeyIsCoolingTheRequestWaitsForTheFirstToComeBackWithinTheDeadline() {
        Provider a = TestProviders.provider("a", 1);
        AtomicInteger calls = new AtomicInteger();
        scripts.put("a#1", ScriptedClient.completing(() -> calls.incrementAndGet() == 1
                ? fail(ErrorClass.RATE_LIMITED, Duration.ofSeconds(7)) : ok()));
        TestRouting routing = routing(a);

        Outcome<ChatResult> outcome = run(() -> routing.chain.complete(routing.router.begin(pathB("a", "a-model", false))),
                Duration.ofMillis(6999));
        assertThat(outcome.done).as("still waiting for the key").isFalse();
        time.advanceTimeBy(Duration.ofMillis(5));
        assertThat(outcome.value.attempts()).extracting(at -> at.errorClass() == null ? null : at.errorClass().code()).containsExactly("rate_limited", "waited", null);
    }

    @Test
    void whenTheFirstKeyComesBackAfterTheDeadlinePathBAnswers429WithRetryAfter() {
        Provider a = TestProviders.provider("a", 1);
        scripts.put("a#1", ScriptedClient.completing(() -> fail(ErrorClass.RATE_LIMITED, Duration.ofSeconds(90))));
        TestRouting routing = routing(a);

        CandidatesExhaustedException first = (CandidatesExhaustedException) error(() -> routing.chain.complete(
                routing.router.begin(pathB("a", "a-model", false))));
        assertThat(ErrorAnswers.of(first, null).status()).isEqualTo(429);
        assertThat(first.retryAfter()).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(90));
        CandidatesExhaustedException second = (CandidatesExhaustedException) error(() -> routing.chain.complete(
                routing.router.begin(pathB("a", "a-model", false))));
        assertThat(second.code()).isEqualTo("all_keys_unavailable");
        assertThat(ErrorAnswers.of(second, null).status()).isEqualTo(429);
        assertThat(second.attempts()).isEmpty();
        assertThat(scripts.get("a#1").calls()).as("a cooling key gets no call").isEqualTo(1);
    }

    @Test
    void pathAWithEveryProviderCoolingAnswers503WithRetryAfter() {
        Provider a = TestProviders.provider("a", 1);
        scripts.put("a#1", ScriptedClient.completing(() -> fail(ErrorClass.RATE_LIMITED, Duration.ofMinutes(5))));
        TestRouting routing = routing(a);
        error(() -> routing.chain.complete(routing.router.begin(pathA())));

        CandidatesExhaustedException failed = (CandidatesExhaustedException) error(() -> routing.chain.complete(
                routing.router.begin(pathA())));
        assertThat(ErrorAnswers.of(failed, null).status()).isEqualTo(503);
        assertThat(failed.code()).isEqualTo("no_provider_available");
        assertThat(failed.retryAfter()).isNotNull();
    }

    @Test
    void pathAMovesToTheNextModelByPriorityWhenTheDefaultIsAtItsDailyLimit() {
        Provider a = TestProviders.custom("a", 1, List.of(new ModelProperties("small", 1, null, 1),
                new ModelProperties("large", 2, null, 0)), 0, 10, List.of());
        scripts.put("a#1", ScriptedClient.completing(ResilienceTest::ok));
        TestRouting routing = routing(a);

        assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathA()))).route().model()).isEqualTo("small");
        assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathA()))).route().model()).isEqualTo("large");
    }

    @Test
    void pathBFallsBackToAnotherModelOnlyWhenTheRequestAllowsIt() {
        Provider a = TestProviders.custom("a", 1, List.of(new ModelProperties("small", 1, null, 1),
                new ModelProperties("large", 2, null, 0)), 0, 10, List.of());
        scripts.put("a#1", ScriptedClient.completing(ResilienceTest::ok));
        TestRouting routing = routing(a);
        ok(() -> routing.chain.complete(routing.router.begin(pathB("a", "small", false))));

        Throwable exhausted = error(() -> routing.chain.complete(routing.router.begin(pathB("a", "small", false))));
        assertThat(ErrorAnswers.of(exhausted, null).status()).isEqualTo(429);
        assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathB("a", "small", true)))).route().model())
                .isEqualTo("large");
    }

    @Test
    void aConfiguredErrorOverrideReclassifiesTheProvidersAnswer() {
        Provider a = TestProviders.custom("a", 2, List.of(new ModelProperties("m", 1, null, 0)), 0, 10,
                List.of(new ErrorOverride(403, null, "credits", ErrorClass.QUOTA_EXCEEDED)));
        scripts.put("a#1", ScriptedClient.completing(() -> Mono.error(new UpstreamException(ErrorClass.INVALID_KEY, 403,
                null, "You have used all available credits", null))));
        scripts.put("a#2", ScriptedClient.completing(ResilienceTest::ok));
        TestRouting routing = routing(a);

        assertThat(ok(() -> routing.chain.complete(routing.router.begin(pathB("a", "m", false)))).attempts().get(0)
                .errorClass().code()).isEqualTo("quota_exceeded");
        assertThat(routing.health.status(a, a.keys().keys().get(0))).isEqualTo(KeyStatus.QUOTA_EXCEEDED);
    }
}
