package dev.switchboard.routing;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import dev.switchboard.routing.ProviderGuards.CallGuards;
import dev.switchboard.support.LoopTimers;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Tries a request's candidates until one succeeds: the one pipeline behind every surface, and the one
 * retry loop (the HTTP client never retries by itself).
 *
 * <p>Each attempt takes the plan's next candidate and runs it through the provider's circuit breaker
 * and bulkhead (Resilience4j operators). A failure that {@linkplain ErrorClass#movesOn() moves on}
 * becomes a {@link NextAttempt}, which the {@link AttemptLoop} turns into a resubscription, i.e. the next
 * candidate, after a backoff (Resilience4j's {@code IntervalFunction}) when the same provider is tried
 * again. When the plan has no usable candidate left but a key recovers within the deadline, the loop waits
 * for it and re-plans.
 *
 * <p>Streams: each attempt passes through {@link FirstChunkProbe}; {@code switchOnFirst} looks at the
 * first content chunk. An error (or an empty stream) before it falls back and the client sees nothing;
 * the first chunk emits {@link StreamEvent.Committed} and from then on a failure becomes a
 * {@link MidStreamException} that ends the stream. WebFlux commits a response only when its body's first
 * element is written, so an error before {@code Committed} still becomes a normal JSON error answer.
 *
 * <p>Hedging ({@link HedgePolicy}): a stream whose first content has not come within the hedge delay races
 * the plan's next candidate against it ({@link #hedged}, the race's state in {@link HedgeRace}); the first
 * content wins and commits, the rival is cancelled and listed {@code hedged_out}. Every attempt also feeds the
 * running figures of its key and provider ({@link Paces}: in flight, time to first content, outcome, prompt and
 * cached tokens).
 *
 * <p>All attempts of one request make their upstream calls through one event loop's connection pool
 * ({@link EventLoopLocalConnector#sameLoopAcrossCalls()}), also after a back-off timer, so a fallback
 * can reuse the connection the failed attempt gave back.
 *
 * <p>Each attempt's call runs inside an {@link AttemptScope}: its span when tracing is on, and the request's
 * log context around its outcome. What a failure before delivery means (the next attempt, a backoff, a wait
 * for a key to recover, or the final error) is {@link AttemptFailures}'.
 */
public final class FallbackChain {

    private final ProviderGuards guards;
    private final AttemptListener listener;
    private final AttemptLoop attempts;
    private final AttemptFailures failures;
    private final boolean keepStreamText;
    private final Clock clock;
    private final FirstChunkProbe probe;
    private final Duration firstChunkTimeout;
    private final RequestTracing tracing;
    private final Paces paces;
    private final HedgePolicy hedging;
    private final StreamEdges edges = new StreamEdges();

    /**
     * @param keepStreamText keep the whole text of answers for the request log (costs memory per open
     *     stream; off by default)
     * @param clock the gateway clock: attempt latencies, deadlines and backoffs are read from it
     */
    public FallbackChain(RoutingProperties routing, ResilienceProperties resilience, ProviderGuards guards,
            AttemptListener listener, boolean keepStreamText, Clock clock) {
        this(routing, resilience, guards, listener, keepStreamText, clock, RequestTracing.OFF);
    }

    /** @param tracing spans for the attempts ({@link RequestTracing#OFF}: none) */
    public FallbackChain(RoutingProperties routing, ResilienceProperties resilience, ProviderGuards guards,
            AttemptListener listener, boolean keepStreamText, Clock clock, RequestTracing tracing) {
        this(routing, resilience, guards, listener, keepStreamText, clock, tracing,
                new Paces(LatencyProperties.defaults(), clock), HedgePolicy.off());
    }

    /**
     * @param tracing spans for the attempts ({@link RequestTracing#OFF}: none)
     * @param paces the running figures of keys and providers, fed by every attempt (shared with the router)
     * @param hedging when a stream is hedged
     */
    public FallbackChain(RoutingProperties routing, ResilienceProperties resilience, ProviderGuards guards,
            AttemptListener listener, boolean keepStreamText, Clock clock, RequestTracing tracing, Paces paces,
            HedgePolicy hedging) {
        this.tracing = tracing;
        this.paces = paces;
        this.hedging = hedging;
        this.keepStreamText = keepStreamText;
        this.guards = guards;
        this.listener = listener;
        this.clock = clock;
        this.probe = new FirstChunkProbe(routing.idleTimeout(), routing.maxStreamDuration());
        this.firstChunkTimeout = routing.firstChunkTimeout();
        this.failures = new AttemptFailures(listener, paces, IntervalFunction.ofExponentialRandomBackoff(
                resilience.initialBackoff(), resilience.backoffMultiplier(), resilience.backoffJitter(),
                resilience.maxBackoff()), clock);
        this.attempts = new AttemptLoop(routing.maxAttempts() + AttemptFailures.MAX_RECOVERY_WAITS + 1);
    }

    /** The whole answer of the first candidate that gives one. */
    public Mono<ChatResult> complete(RequestRun run) {
        return Mono.fromDirect(untilOneSucceeds(run, this::attemptComplete));
    }

    /** The stream of the first candidate whose first content arrives; see the class comment. */
    public Flux<StreamEvent> stream(RequestRun run) {
        return untilOneSucceeds(run, this::attemptStream);
    }

    /** The retry loop both kinds of request share: the next attempt on {@link NextAttempt}, see {@link AttemptLoop}. */
    private <T> Flux<T> untilOneSucceeds(RequestRun run, Function<RequestRun, Flux<T>> attempt) {
        return attempts.run(() -> attempt.apply(run), next -> failures.exhausted(run, clock.millis()))
                .contextWrite(EventLoopLocalConnector.sameLoopAcrossCalls());
    }

    private Flux<ChatResult> attemptComplete(RequestRun run) {
        return attempt(run,
                (r, candidate, start) -> candidate.client().complete(candidate.request(run.command()))
                        .timeout(run.remaining(start), Mono.error(() -> UpstreamException.of(ErrorClass.TIMEOUT,
                                "no answer within the request deadline")), LoopTimers.scheduler()),
                (tried, answer) -> answer.map(completion -> completed(run, tried, completion)));
    }

    private Flux<StreamEvent> attemptStream(RequestRun run) {
        long start = clock.millis();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Flux.error(failures.noCandidate(run, start));
        }
        Duration delay = hedgeDelay(run, candidate);
        if (delay != null) {
            return hedged(run, new HedgeRace.Racer(candidate, candidate.request(run.command()), start), delay);
        }
        return attempt(run, candidate, start, this::probedStream,
                (tried, chunks) -> chunks.switchOnFirst((first, all) -> first.hasValue()
                        ? committed(run, tried, all)
                        : all.thenMany(Flux.<StreamEvent>error(() -> UpstreamException.of(ErrorClass.SERVER_ERROR,
                                "upstream stream ended without any content")))));
    }

    /** The upstream stream of one candidate through the first-chunk probe. */
    private Flux<ChatChunk> probedStream(RequestRun run, Candidate candidate, long start) {
        return probed(run, candidate, candidate.request(run.command()), start);
    }

    private Flux<ChatChunk> probed(RequestRun run, Candidate candidate, UpstreamRequest request, long start) {
        return probe.guard(candidate.client().stream(request), firstChunkTimeout, run.remaining(start));
    }

    /**
     * The hedge delay of this attempt, or null when it is not hedged: the operator's default or the request's
     * {@code "hedge"} says no, fallback is off, the request was hedged already, the plan's provider and model
     * have too few measured streams, or the delay would not come before the first-chunk timeout.
     */
    private @Nullable Duration hedgeDelay(RequestRun run, Candidate candidate) {
        if (run.attemptCount() == 0 && !run.hedged()) {
            hedging.streamStarted(candidate.provider().name());
        }
        if (!hedging.wanted(run.command().hints().hedge()) || !run.command().fallback() || run.hedged()) {
            return null;
        }
        Duration delay = hedging.delay(candidate.provider().name(), candidate.model());
        return delay == null || delay.compareTo(firstChunkTimeout) >= 0 ? null : delay;
    }

    /**
     * One attempt: the plan's next candidate ({@code call} makes its upstream call), through the provider's
     * guards, timed as upstream time; {@code deliver} turns what comes back into the request's signals.
     * A failure before delivery (anything but a {@link MidStreamException}) is judged by {@link AttemptFailures#afterFailure}.
     */
    private <U, T> Flux<T> attempt(RequestRun run, Call<U> call, BiFunction<Tried, Flux<U>, Publisher<T>> deliver) {
        long start = clock.millis();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Flux.error(failures.noCandidate(run, start));
        }
        return attempt(run, candidate, start, call, deliver);
    }

    private <U, T> Flux<T> attempt(RequestRun run, Candidate candidate, long start, Call<U> call,
            BiFunction<Tried, Flux<U>, Publisher<T>> deliver) {
        return Flux.from(deliver.apply(new Tried(candidate, start), upstream(run, candidate, start, call)))
                .onErrorResume(error -> !(error instanceof MidStreamException),
                        error -> Flux.error(failures.afterFailure(run, candidate, error, start)));
    }

    /** Makes one upstream call. */
    @FunctionalInterface
    private interface Call<U> {
        Publisher<U> make(RequestRun run, Candidate candidate, long start);
    }

    /**
     * One upstream call through the provider's guards, timed as upstream time and counted in flight for
     * the latency figures while it is open.
     */
    private <U> Flux<U> upstream(RequestRun run, Candidate candidate, long start, Call<U> call) {
        // the scope takes the guards' permits, books the upstream time and the in-flight count (see AttemptScope)
        CallGuards callGuards = guards.forCall(candidate.provider());
        return Flux.defer(() -> new AttemptScope<>(Flux.from(call.make(run, candidate, start)), run, candidate,
                tracing, paces, callGuards));
    }

    /**
     * The hedged first chunk: the first candidate's stream starts at once, the plan's next one when no
     * content came within {@code delay} (and the provider's hedge budget allows). The first to deliver content
     * wins and commits; the other is cancelled at once (its upstream connection closed) and listed as
     * {@code hedged_out}. A racer that fails before content is an ordinary failed attempt; while its rival
     * still runs, the request waits for the rival, else it goes on as after any failure.
     *
     * <p>{@code Flux.firstWithValue} forwards the winner's chunks straight on once it has won (one step per
     * chunk, no queue); merging the racers' chunks, tagged with their racer, had cost a merge, a tag and a filter
     * for every chunk of every hedged stream (docs/PERFORMANCE.md). Which racer won is decided by {@link
     * HedgeRace#claim}, and only the claimant's chunks get through to {@code firstWithValue}, so both agree.
     */
    private Flux<StreamEvent> hedged(RequestRun run, HedgeRace.Racer first, Duration delay) {
        HedgeRace race = new HedgeRace(run, first, hedging, paces, failures, clock);
        // the timer ends with the race: a stream that finished before the delay is not held open by it
        Flux<ChatChunk> hedge = Mono.delay(delay, LoopTimers.scheduler())
                .takeUntilOther(race.decided())
                .flatMapMany(tick -> {
                    HedgeRace.Racer second = race.startHedge();
                    return second == null ? noHedge(race) : racer(run, race, second);
                });
        return Flux.firstWithValue(racer(run, race, first), hedge)
                // no racer delivered: what the race's failures decided (firstWithValue says only "no value")
                .onErrorMap(error -> race.winner() == null, error -> race.outcome())
                .switchOnFirst((lead, chunks) -> {
                    if (!lead.hasValue()) {
                        return chunks.thenMany(Flux.<StreamEvent>error(race::outcome));
                    }
                    race.announceWinner();
                    HedgeRace.Racer winner = Objects.requireNonNull(race.winner());
                    return committed(run, new Tried(winner.candidate(), winner.start()), chunks);
                });
    }

    /**
     * The hedge branch when no hedge could start (the budget is spent, or no other candidate): it ends with the
     * race, not at once. Why: {@code firstWithValue} builds a {@code NoSuchElementException}, stack trace and
     * all, for every source that completes empty while the race is open, and a slow stream whose hedge the
     * budget refuses is the common case (1,986 of a 2,000-stream hold; docs/PERFORMANCE.md). The race is decided
     * when the first racer delivers (then {@code firstWithValue} has cancelled this branch already) or fails, so
     * the branch never outlives it.
     */
    private static Flux<ChatChunk> noHedge(HedgeRace race) {
        return race.decided().thenMany(Flux.empty());
    }

    /** One racer's chunks until the race stops it; they get through only once the racer has won the race. */
    private Flux<ChatChunk> racer(RequestRun run, HedgeRace race, HedgeRace.Racer racer) {
        return new RacerGate(upstream(run, racer.candidate(), racer.start(),
                (r, candidate, start) -> probed(r, candidate, racer.takeRequest(), start)), race, racer);
    }

    /** The candidate of an attempt and when (gateway clock, epoch millis) the attempt started. */
    private record Tried(Candidate candidate, long start) {
    }

    private ChatResult completed(RequestRun run, Tried tried, Completion completion) {
        long now = clock.millis();
        long latency = now - tried.start();
        Candidate candidate = tried.candidate();
        Usage usage = completion.usage().estimated()
                ? Usage.estimate(run.promptChars(), completion.chars())
                : completion.usage();
        int calls = 0;
        for (Choice choice : completion.choices()) {
            calls += choice.toolCalls().size();
        }
        run.succeeded(candidate, usage, completion.chars(), completion.finishReason(),
                keepStreamText ? completion.content() : null, calls, latency, now);
        listener.succeeded(candidate, latency);
        // a whole answer is its own first content
        paces.succeeded(candidate, latency, usage.promptTokens(), usage.cachedTokens());
        return new ChatResult(run.command().requestId(), completion.choices(), candidate.route(), usage,
                now - run.startMillis(), run.attempts(), candidate.relays(run.command()) ? completion.raw() : null);
    }

    /** The probe passed: announce the route, forward text, finish with the result ({@link CommittedStream}). */
    private Flux<StreamEvent> committed(RequestRun run, Tried tried, Flux<ChatChunk> chunks) {
        return new CommittedStream(chunks, edges, run, tried.candidate(), tried.start(), new StreamTally(keepStreamText));
    }

    /** What a committed stream books at its start, its end, a failure and a cancel. */
    private final class StreamEdges implements CommittedStream.Edges {

        @Override
        public StreamEvent.Committed committed(RequestRun run, Candidate candidate, long start) {
            long now = clock.millis();
            run.firstToken(candidate.route(), now);
            paces.firstContent(candidate, now - start);
            hedging.firstContent(candidate.provider().name(), candidate.model(), now - start);
            StreamEvent.Committed committed = new StreamEvent.Committed(candidate.route(), run.attempts(),
                    candidate.relays(run.command()));
            run.releasePrompt();
            return committed;
        }

        @Override
        public StreamEvent done(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            long now = clock.millis();
            Usage usage = tally.usage(run.promptChars());
            run.succeeded(candidate, usage, tally.chars(), tally.finishReason(), tally.text(), tally.toolCallCount(),
                    now - start, now);
            listener.succeeded(candidate, now - start);
            paces.succeeded(candidate, -1, usage.promptTokens(), usage.cachedTokens());
            return new StreamEvent.Done(new ChatResult(run.command().requestId(), tally.choices(), candidate.route(),
                    usage, now - run.startMillis(), run.attempts(), null));
        }

        @Override
        public Throwable failed(RequestRun run, Candidate candidate, long start, StreamTally tally, Throwable error) {
            UpstreamException failure = ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
            run.failedMidStream(candidate, failure, tally.usage(run.promptChars()), tally.chars(),
                    clock.millis() - start);
            listener.failed(candidate, failure);
            paces.outcome(candidate, true);
            return new MidStreamException(candidate.route(), failure, run.attempts());
        }

        @Override
        public void cancelled(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            run.cancelledMidStream(candidate, tally.usage(run.promptChars()), tally.chars(),
                    clock.millis() - start);
        }
    }
}
