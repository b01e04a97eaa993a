package dev.switchboard.routing;

import dev.switchboard.chat.AllCandidatesFailedException;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tries a request's candidates until one succeeds: the one pipeline behind every surface, and the one
 * retry loop (the HTTP client never retries by itself).
 *
 * <p>Each attempt takes the plan's next candidate and runs it through the provider's circuit breaker
 * and bulkhead (Resilience4j operators). A failure that {@linkplain ErrorClass#movesOn() moves on}
 * becomes a {@link NextAttempt}, which Resilience4j's {@link RetryOperator} turns into a resubscription,
 * i.e. the next candidate, after a backoff when the same provider is tried again. When the plan has no
 * usable candidate left but a key recovers within the deadline, the loop waits for it and re-plans.
 *
 * <p>Streams: each attempt passes through {@link FirstChunkProbe}; {@code switchOnFirst} looks at the
 * first content chunk. An error (or an empty stream) before it falls back and the client sees nothing;
 * the first chunk emits {@link StreamEvent.Committed} and from then on a failure becomes a
 * {@link MidStreamException} that ends the stream. WebFlux commits a response only when its body's first
 * element is written, so an error before {@code Committed} still becomes a normal JSON error answer.
 *
 * <p>All attempts of one request make their upstream calls through one event loop's connection pool
 * ({@link EventLoopLocalConnector#sameLoopAcrossCalls()}), also after a back-off timer, so a fallback
 * can reuse the connection the failed attempt gave back.
 */
public final class FallbackChain {

    private static final int MAX_RECOVERY_WAITS = 3;

    private final RoutingProperties routing;
    private final ProviderGuards guards;
    private final AttemptListener listener;
    private final Retry retry;
    private final IntervalFunction backoff;
    private final boolean keepStreamText;

    public FallbackChain(RoutingProperties routing, ResilienceProperties resilience, ProviderGuards guards,
            AttemptListener listener) {
        this(routing, resilience, guards, listener, false);
    }

    /**
     * @param keepStreamText keep the whole text of streamed answers for the request log (costs memory
     *     per open stream; off by default)
     */
    public FallbackChain(RoutingProperties routing, ResilienceProperties resilience, ProviderGuards guards,
            AttemptListener listener, boolean keepStreamText) {
        this.keepStreamText = keepStreamText;
        this.routing = routing;
        this.guards = guards;
        this.listener = listener;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(resilience.initialBackoff(),
                resilience.backoffMultiplier(), resilience.backoffJitter(), resilience.maxBackoff());
        this.retry = Retry.of("switchboard", RetryConfig.<Object>custom()
                .maxAttempts(routing.maxAttempts() + MAX_RECOVERY_WAITS + 1)
                .retryOnException(NextAttempt.class::isInstance)
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft() && outcome.getLeft() instanceof NextAttempt next
                        ? next.waitMillis() : 0L)
                .failAfterMaxAttempts(false)
                .build());
    }

    public Retry retry() {
        return retry;
    }

    public Mono<ChatResult> complete(RequestRun run) {
        return Mono.defer(() -> attemptComplete(run))
                .transformDeferred(RetryOperator.of(retry))
                .onErrorMap(NextAttempt.class, next -> exhausted(run, FirstChunkProbe.now()))
                .contextWrite(EventLoopLocalConnector.sameLoopAcrossCalls());
    }

    public Flux<StreamEvent> stream(RequestRun run) {
        return Flux.defer(() -> attemptStream(run))
                .transformDeferred(RetryOperator.of(retry))
                .onErrorMap(NextAttempt.class, next -> exhausted(run, FirstChunkProbe.now()))
                .contextWrite(EventLoopLocalConnector.sameLoopAcrossCalls());
    }

    private Mono<ChatResult> attemptComplete(RequestRun run) {
        long start = FirstChunkProbe.now();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Mono.error(noCandidate(run, start));
        }
        long startNanos = System.nanoTime();
        // doOnTerminate/doOnCancel (not doFinally) run before the signal travels on, so the upstream time is
        // booked before the request's own end is measured
        return candidate.client().complete(candidate.request(run.command()))
                .doOnTerminate(() -> run.addUpstreamNanos(System.nanoTime() - startNanos))
                .doOnCancel(() -> run.addUpstreamNanos(System.nanoTime() - startNanos))
                .timeout(run.remaining(start), Mono.error(() -> UpstreamException.of(ErrorClass.TIMEOUT,
                        "no answer within the request deadline")))
                .transformDeferred(CircuitBreakerOperator.of(guards.circuitBreaker(candidate.provider())))
                .transformDeferred(BulkheadOperator.of(guards.bulkhead(candidate.provider())))
                .map(completion -> completed(run, candidate, completion, start))
                .onErrorResume(error -> Mono.error(afterFailure(run, candidate, error, start)));
    }

    private ChatResult completed(RequestRun run, Candidate candidate, Completion completion, long start) {
        long now = FirstChunkProbe.now();
        long latency = now - start;
        Usage usage = completion.usage().estimated()
                ? Usage.estimate(run.command().promptChars(), completion.content().length())
                : completion.usage();
        run.succeeded(candidate, usage, completion.content().length(), completion.finishReason(),
                keepStreamText ? completion.content() : null, latency, now);
        listener.succeeded(candidate, latency);
        return new ChatResult(run.command().requestId(), completion.content(), completion.finishReason(),
                candidate.route(), usage, now - run.startMillis(), run.attempts());
    }

    private Flux<StreamEvent> attemptStream(RequestRun run) {
        long start = FirstChunkProbe.now();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Flux.error(noCandidate(run, start));
        }
        Duration firstContent = min(routing.firstChunkTimeout(), run.remaining(start));
        long startNanos = System.nanoTime();
        return FirstChunkProbe.guard(candidate.client().stream(candidate.request(run.command())), firstContent,
                        routing.idleTimeout(), routing.maxStreamDuration())
                .transformDeferred(CircuitBreakerOperator.of(guards.circuitBreaker(candidate.provider())))
                .transformDeferred(BulkheadOperator.of(guards.bulkhead(candidate.provider())))
                .doOnTerminate(() -> run.addUpstreamNanos(System.nanoTime() - startNanos))
                .doOnCancel(() -> run.addUpstreamNanos(System.nanoTime() - startNanos))
                .switchOnFirst((first, chunks) -> first.hasValue()
                        ? committed(run, candidate, start, chunks)
                        : chunks.thenMany(Flux.<StreamEvent>error(() -> UpstreamException.of(ErrorClass.SERVER_ERROR,
                                "upstream stream ended without any content"))))
                .onErrorResume(error -> !(error instanceof MidStreamException),
                        error -> Flux.error(afterFailure(run, candidate, error, start)));
    }

    /** The probe passed: announce the route, forward text, finish with the result. */
    private Flux<StreamEvent> committed(RequestRun run, Candidate candidate, long start, Flux<ChatChunk> chunks) {
        StreamTally tally = new StreamTally(keepStreamText);
        return Flux.concat(
                        Mono.fromSupplier(() -> {
                            run.firstToken(candidate.route(), FirstChunkProbe.now());
                            return new StreamEvent.Committed(candidate.route(), run.attempts());
                        }),
                        chunks.handle(tally::accept),
                        Mono.fromSupplier(() -> streamDone(run, candidate, tally, start)))
                .onErrorMap(error -> !(error instanceof MidStreamException),
                        error -> midStream(run, candidate, tally, start, error))
                .doOnCancel(() -> run.cancelledMidStream(candidate, tally.usage(run.command().promptChars()),
                        tally.chars(), FirstChunkProbe.now() - start));
    }

    private StreamEvent streamDone(RequestRun run, Candidate candidate, StreamTally tally, long start) {
        long now = FirstChunkProbe.now();
        Usage usage = tally.usage(run.command().promptChars());
        run.succeeded(candidate, usage, tally.chars(), tally.finishReason(), tally.text(), now - start, now);
        listener.succeeded(candidate, now - start);
        return new StreamEvent.Done(new ChatResult(run.command().requestId(), "", tally.finishReason(),
                candidate.route(), usage, now - run.startMillis(), run.attempts()));
    }

    private MidStreamException midStream(RequestRun run, Candidate candidate, StreamTally tally, long start,
            Throwable error) {
        UpstreamException failure = ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
        run.failedMidStream(candidate, failure, tally.usage(run.command().promptChars()), tally.chars(),
                FirstChunkProbe.now() - start);
        listener.failed(candidate, failure);
        return new MidStreamException(candidate.route(), failure, run.attempts());
    }

    /** What a failed attempt means: another attempt (maybe after a backoff) or the request's final error. */
    private Throwable afterFailure(RequestRun run, Candidate candidate, Throwable error, long start) {
        boolean pathB = candidate.path() == RoutePath.MODEL;
        if (error instanceof BulkheadFullException) {
            return pathB ? new GatewayException(429, "rate_limit_error", "provider_busy", "The provider '"
                    + candidate.provider().name() + "' is at its concurrency limit; retry shortly.",
                    Duration.ofSeconds(1)) : new NextAttempt(0, "provider at its concurrency limit");
        }
        if (error instanceof CallNotPermittedException) {
            return pathB ? new GatewayException(503, "service_unavailable", "provider_unavailable", "The provider '"
                    + candidate.provider().name() + "' is failing and its circuit is open.", null)
                    : new NextAttempt(0, "provider circuit open");
        }
        UpstreamException failure = ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
        run.failed(candidate, failure, FirstChunkProbe.now() - start);
        listener.failed(candidate, failure);
        if (!failure.errorClass().movesOn()) {
            return failure;
        }
        return new NextAttempt(backoffMillis(run, candidate, failure), failure.errorClass().code());
    }

    /** Transient provider trouble on Path B (the same provider is next) waits a little, with jitter. */
    private long backoffMillis(RequestRun run, Candidate candidate, UpstreamException failure) {
        boolean transientClass = switch (failure.errorClass()) {
            case SERVER_ERROR, NETWORK, TIMEOUT, OVERLOADED -> true;
            default -> false;
        };
        if (!transientClass || candidate.path() != RoutePath.MODEL) {
            return 0;
        }
        long waited = backoff.apply(Math.max(1, run.attemptCount()));
        return Math.min(waited, Math.max(0, run.deadlineMillis() - FirstChunkProbe.now() - 1));
    }

    /**
     * The plan has nothing usable left. If a key comes back within the deadline, wait for it and
     * re-plan; otherwise this is the request's final error.
     */
    private Throwable noCandidate(RequestRun run, long now) {
        if (run.mayWaitForRecovery(now) && run.waits() < MAX_RECOVERY_WAITS) {
            long earliest = run.plan().earliestRecovery(now);
            if (earliest > now && earliest < Long.MAX_VALUE && earliest <= run.deadlineMillis()) {
                run.replanBeforeNextAttempt();
                return new NextAttempt(earliest - now + 1, "waiting for a key to recover");
            }
        }
        return exhausted(run, now);
    }

    private GatewayException exhausted(RequestRun run, long now) {
        List<Attempt> attempts = run.attempts();
        long earliest = run.plan().earliestRecovery(now);
        Duration retryAfter = earliest > now && earliest < Long.MAX_VALUE ? Duration.ofMillis(earliest - now) : null;
        boolean pathB = run.plan().path() == RoutePath.MODEL;
        if (run.deadlinePassed(now) && !attempts.isEmpty()) {
            return new AllCandidatesFailedException(504, "deadline_exceeded", "The request deadline passed after "
                    + attempts.size() + " attempt(s): " + summary(attempts), attempts, null);
        }
        if (attempts.isEmpty()) {
            String when = retryAfter == null ? "" : "; the first is back at " + Instant.ofEpochMilli(earliest);
            return pathB
                    ? new AllCandidatesFailedException(429, "all_keys_unavailable", "Every key of the provider is "
                            + "cooling, disabled or at its daily limit" + when + ".", attempts, retryAfter)
                    : new AllCandidatesFailedException(503, "no_provider_available", "No provider has a usable key "
                            + "(cooling, disabled, at a daily limit or circuit open)" + when + ".", attempts, retryAfter);
        }
        String code = run.plan().exhaustedCode();
        String what = pathB ? "Every key of the provider failed" : "Every provider failed";
        // Path B whose keys were all turned away by limits: come back later (429); otherwise unavailable (503).
        boolean limitedOnly = attempts.stream().allMatch(a -> "rate_limited".equals(a.errorClass())
                || "quota_exceeded".equals(a.errorClass()));
        int status = pathB && limitedOnly && retryAfter != null ? 429 : 503;
        return new AllCandidatesFailedException(status, code, what + " (" + attempts.size() + " attempt(s)): "
                + summary(attempts), attempts, retryAfter);
    }

    private static String summary(List<Attempt> attempts) {
        return attempts.stream()
                .map(a -> a.provider() + " (" + a.key() + "): " + a.errorClass() + (a.status() > 0 ? " " + a.status() : ""))
                .collect(Collectors.joining("; "));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
