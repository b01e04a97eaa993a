package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Surface;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.Provider;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.providers.UpstreamHeaders;
import dev.switchboard.routing.RequestTracing.AttemptEnd;
import dev.switchboard.routing.RequestTracing.AttemptSpan;
import dev.switchboard.support.LogContext;
import dev.switchboard.support.StartupGate;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The step around each upstream attempt: a span per attempt ended with its outcome (with tracing on), the
 * span's headers in the call's Reactor context, and the request's ids in the log context of whatever the
 * attempt's outcome makes the gateway log.
 */
class AttemptScopeTest {

    private static final RoutingProperties ROUTING = new RoutingProperties(Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10), 10,
            KeyStrategy.ROUND_ROBIN);

    private final Map<String, ScriptedClient> scripts = new HashMap<>();
    private final ProviderRegistry registry = new ProviderRegistry(List.of(TestProviders.provider("p", 2)));
    private final TestRouting routing = new TestRouting(registry,
            new ProviderClients((provider, key) -> scripts.get(key.alias())), ROUTING);
    private final RecordingTracing tracing = new RecordingTracing();
    private final List<Map<String, String>> logContexts = new CopyOnWriteArrayList<>();
    private final FallbackChain chain = new FallbackChain(ROUTING, ResilienceProperties.defaults(), routing.guards,
            new AttemptListener() {
                @Override
                public void succeeded(Candidate candidate, long latencyMs) {
                    logContexts.add(mdc());
                }

                @Override
                public void failed(Candidate candidate, UpstreamException failure) {
                    logContexts.add(mdc());
                }
            }, false, routing.clock, tracing);

    @Test
    void eachAttemptOfAFallbackHasASpanEndedWithItsOutcome() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR,
                "boom"))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("Hello", " world")));

        StepVerifier.create(chain.stream(run()))
                .expectNextCount(4)
                .verifyComplete();

        assertThat(tracing.spans).hasSize(2);
        Recorded failed = tracing.spans.get(0);
        assertThat(failed.key).isEqualTo("p#1");
        assertThat(failed.number).isEqualTo(1);
        assertThat(failed.firstContents).isZero();
        assertThat(failed.end.outcome()).isEqualTo(AttemptEnd.FAILED);
        assertThat(failed.end.failure().errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        Recorded answered = tracing.spans.get(1);
        assertThat(answered.key).isEqualTo("p#2");
        assertThat(answered.number).isEqualTo(2);
        assertThat(answered.firstContents).isEqualTo(1);
        assertThat(answered.end.outcome()).isEqualTo(AttemptEnd.SUCCESS);
        assertThat(answered.end.failure()).isNull();
        assertThat(answered.end.usage()).isEqualTo(Usage.reported(3, 2));
        assertThat(answered.end.finishReason()).isEqualTo("stop");
    }

    @Test
    void aStreamWithoutContentEndsItsSpanAsAFailure() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.just(new ChatChunk.UsageReport(Usage.reported(3, 0)))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("Hi")));

        StepVerifier.create(chain.stream(run())).expectNextCount(3).verifyComplete();

        assertThat(tracing.spans.get(0).end.outcome()).isEqualTo(AttemptEnd.FAILED);
        assertThat(tracing.spans.get(0).end.failure().errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
    }

    @Test
    void aStreamTheClientCancelsEndsItsSpanAsCancelled() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("Hel")),
                Flux.never())));

        StepVerifier.create(chain.stream(run()))
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(tracing.spans).singleElement().satisfies(span -> {
            assertThat(span.firstContents).isEqualTo(1);
            assertThat(span.end.outcome()).isEqualTo(AttemptEnd.CANCELLED);
            assertThat(span.end.usage()).as("what was delivered, estimated").satisfies(usage -> {
                assertThat(usage.estimated()).isTrue();
                assertThat(usage.completionTokens()).isPositive();
            });
        });
    }

    @Test
    void aWholeAnswersUpstreamTimeEndsWhenItArrivesSoTheGatewaysHandlingOfItIsNotSubtracted() {
        scripts.put("p#1", ScriptedClient.completing(() -> Mono.just(new Completion("Hello", "stop",
                Usage.reported(7, 5)))));
        RequestRun run = run();
        long handling = Duration.ofMillis(20).toNanos();

        // the answer goes on (to the client's response) before the call completes: 20 ms of that
        StepVerifier.create(chain.complete(run).doOnNext(result -> LockSupport.parkNanos(handling)))
                .expectNextCount(1)
                .verifyComplete();

        // total (to the answer's booking) minus upstream (to the answer's arrival): the gateway's own steps in
        // between, well under the 20 ms; booked to the call's completion, the upstream time outgrew the total
        assertThat(run.overheadNanos()).isPositive().isLessThan(handling);
    }

    @Test
    void aWholeAnswerHasASpanWithTheProvidersUsage() {
        scripts.put("p#1", ScriptedClient.completing(() -> Mono.just(new Completion("Hello", "length",
                Usage.reported(7, 5)))));

        StepVerifier.create(chain.complete(run())).expectNextCount(1).verifyComplete();

        assertThat(tracing.spans).singleElement().satisfies(span -> {
            assertThat(span.firstContents).isEqualTo(1);
            assertThat(span.end.outcome()).isEqualTo(AttemptEnd.SUCCESS);
            assertThat(span.end.usage()).isEqualTo(Usage.reported(7, 5));
            assertThat(span.end.finishReason()).isEqualTo("length");
        });
    }

    @Test
    void theSpansHeadersTravelInTheCallsContext() {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.deferContextual(context -> {
            seen.add(UpstreamHeaders.in(context));
            return answer("Hi");
        })));

        StepVerifier.create(chain.stream(run())).expectNextCount(3).verifyComplete();

        assertThat(seen).containsExactly(Map.of("traceparent", "00-trace-span-1-01"));
    }

    @Test
    void withTracingOffAnAttemptHasNoSpanAndTheCallNoHeaders() {
        FallbackChain untraced = new FallbackChain(ROUTING, ResilienceProperties.defaults(), routing.guards,
                AttemptListener.NONE, false, routing.clock, RequestTracing.OFF);
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.deferContextual(context -> {
            seen.add(UpstreamHeaders.in(context));
            return answer("Hi");
        })));

        StepVerifier.create(untraced.stream(run())).expectNextCount(3).verifyComplete();

        assertThat(seen).containsExactly(Map.of());
        assertThat(tracing.spans).isEmpty();
    }

    @Test
    void anAttemptRefusedBeforeItsCallIsNoSpan() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answer("Hi")));
        RequestRun run = run();
        routing.guards.circuitBreaker(registry.get("p").orElseThrow()).transitionToForcedOpenState();

        StepVerifier.create(chain.stream(run))
                .expectError()
                .verify(Duration.ofSeconds(5));

        assertThat(tracing.spans).isEmpty();
        assertThat(scripts.get("p#1").calls()).isZero();
    }

    @Test
    void theProvidersPermitsAreGivenBackAndItsCircuitToldHoweverAnAttemptEnds() {
        Provider provider = registry.get("p").orElseThrow();
        Bulkhead bulkhead = routing.guards.bulkhead(provider);
        CircuitBreaker circuit = routing.guards.circuitBreaker(provider);
        int free = bulkhead.getMetrics().getAvailableConcurrentCalls();
        scripts.put("p#1", ScriptedClient.streaming(() -> answer("Hi")));
        StepVerifier.create(chain.stream(run())).expectNextCount(3).verifyComplete();
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("after a stream").isEqualTo(free);
        assertThat(circuit.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);

        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR,
                "boom"))));
        scripts.put("p#2", ScriptedClient.streaming(() -> Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR,
                "boom"))));
        StepVerifier.create(chain.stream(run())).expectError().verify(Duration.ofSeconds(5));
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("after failures").isEqualTo(free);
        int failedCalls = scripts.get("p#1").calls() + scripts.get("p#2").calls();
        assertThat(failedCalls).isPositive();
        assertThat(circuit.getMetrics().getNumberOfFailedCalls()).isEqualTo(failedCalls);

        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.concat(Flux.just(new ChatChunk.Delta("Hel")),
                Flux.never())));
        StepVerifier.create(chain.stream(run())).expectNextCount(2).thenCancel().verify(Duration.ofSeconds(5));
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("after a cancel").isEqualTo(free);
        assertThat(circuit.getMetrics().getNumberOfSuccessfulCalls()).as("content came: a success").isEqualTo(2);

        int counted = circuit.getMetrics().getNumberOfBufferedCalls();
        scripts.put("p#1", ScriptedClient.streaming(Flux::never));
        scripts.put("p#2", ScriptedClient.streaming(Flux::never));
        StepVerifier.create(chain.stream(run())).expectSubscription().thenCancel().verify(Duration.ofSeconds(5));
        assertThat(scripts.get("p#1").calls() + scripts.get("p#2").calls()).isOne();
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("after an early cancel").isEqualTo(free);
        assertThat(circuit.getMetrics().getNumberOfBufferedCalls()).as("nothing came: no call counted")
                .isEqualTo(counted);
    }

    @Test
    void aFullBulkheadRefusesTheAttemptBeforeItsCallAndKeepsNoPermit() {
        Bulkhead bulkhead = routing.guards.bulkhead(registry.get("p").orElseThrow());
        int taken = 0;
        while (bulkhead.tryAcquirePermission()) {
            taken++;
        }
        scripts.put("p#1", ScriptedClient.streaming(() -> answer("Hi")));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("Hi")));

        StepVerifier.create(chain.stream(run())).expectError().verify(Duration.ofSeconds(5));

        assertThat(scripts.get("p#1").calls() + scripts.get("p#2").calls()).isZero();
        assertThat(tracing.spans).isEmpty();
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
        for (int i = 0; i < taken; i++) {
            bulkhead.releasePermission();
        }
    }

    @Test
    void whatAnAttemptsOutcomeLogsCarriesTheRequestAndTraceIds() {
        scripts.put("p#1", ScriptedClient.streaming(() -> Flux.error(UpstreamException.of(ErrorClass.SERVER_ERROR,
                "boom"))));
        scripts.put("p#2", ScriptedClient.streaming(() -> answer("Hi")));
        RequestRun run = run();
        run.traceId("4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put(LogContext.REQUEST_ID, "before");

        StepVerifier.create(chain.stream(run)).expectNextCount(3).verifyComplete();

        assertThat(logContexts).hasSize(2).allSatisfy(mdc -> assertThat(mdc)
                .containsEntry(LogContext.REQUEST_ID, "req-1")
                .containsEntry(LogContext.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736"));
        assertThat(MDC.get(LogContext.REQUEST_ID)).as("put back afterwards").isEqualTo("before");
        assertThat(MDC.get(LogContext.TRACE_ID)).isNull();
        MDC.clear();
    }

    @Test
    void theRequestTakesItsTraceIdFromItsContextAndItsEndIsLoggedWithIt() {
        scripts.put("p#1", ScriptedClient.streaming(() -> answer("Hi")));
        List<String> ended = new CopyOnWriteArrayList<>();
        ChatService service = new ChatService(routing.router, chain,
                List.of(run -> ended.add(run.traceId() + " " + MDC.get(LogContext.TRACE_ID))), StartupGate.alreadyOpen(),
                RequestAdmission.OPEN, routing.clock, null, tracing);

        StepVerifier.create(service.stream(command()).contextWrite(Context.of(RecordingTracing.TRACE, "t-42")))
                .expectNextCount(3)
                .verifyComplete();

        assertThat(ended).containsExactly("t-42 t-42");
    }

    private RequestRun run() {
        return routing.router.begin(command());
    }

    private static ChatCommand command() {
        return ChatCommand.builder("req-1", Surface.SSE, List.of(new ChatMessage("user", "hello")))
                .provider("p").model("m").fallback(true).build();
    }

    private static Flux<ChatChunk> answer(String... words) {
        Flux<ChatChunk> text = Flux.fromArray(words).map(ChatChunk.Delta::new);
        return Flux.concat(Flux.just(ChatChunk.KeepAlive.INSTANCE), text,
                Flux.just(new ChatChunk.Finish("stop"), new ChatChunk.UsageReport(Usage.reported(3, words.length))));
    }

    private static Map<String, String> mdc() {
        Map<String, String> copy = MDC.getCopyOfContextMap();
        return copy == null ? Map.of() : copy;
    }

    /** One attempt span as the tracing saw it. */
    private static final class Recorded implements AttemptSpan {
        private final String key;
        private final int number;
        private final int index;
        private int firstContents;
        private @Nullable AttemptEnd end;

        Recorded(String key, int number, int index) {
            this.key = key;
            this.number = number;
            this.index = index;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("traceparent", "00-trace-span-" + index + "-01");
        }

        @Override
        public void firstContent() {
            firstContents++;
        }

        @Override
        public void end(AttemptEnd end) {
            assertThat(this.end).as("ended once").isNull();
            this.end = end;
        }
    }

    private static final class RecordingTracing implements RequestTracing {
        static final String TRACE = "test-trace";
        final List<Recorded> spans = new CopyOnWriteArrayList<>();

        @Override
        public @Nullable String traceId(ContextView context) {
            return context.getOrDefault(TRACE, null);
        }

        @Override
        public AttemptSpan attempt(Candidate candidate, int number, ContextView context) {
            Recorded span = new Recorded(candidate.key().alias(), number, spans.size() + 1);
            spans.add(span);
            return span;
        }
    }
}
