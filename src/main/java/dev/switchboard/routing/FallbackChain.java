package dev.switchboard.routing;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.CandidatesExhaustedException.Reason;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.ProviderUnavailableException;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.LatencyProperties;
import dev.switchboard.config.ResilienceProperties;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.UpstreamFailures;
import dev.switchboard.providers.http.EventLoopLocalConnector;
import dev.switchboard.support.LoopTimers;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

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
 * the plan's next candidate against it ({@link #hedged}); the first content wins and commits, the rival is
 * cancelled and listed {@code hedged_out}. Every attempt also feeds the running figures of its key and
 * provider ({@link Paces}: in flight, time to first content, outcome, prompt and cached tokens).
 *
 * <p>All attempts of one request make their upstream calls through one event loop's connection pool
 * ({@link EventLoopLocalConnector#sameLoopAcrossCalls()}), also after a back-off timer, so a fallback
 * can reuse the connection the failed attempt gave back.
 *
 * <p>Each attempt's call runs inside an {@link AttemptScope}: its span when tracing is on, and the request's
 * log context around its outcome.
 */
public final class FallbackChain {

    private static final int MAX_RECOVERY_WAITS = 3;

    private final ProviderGuards guards;
    private final AttemptListener listener;
    private final AttemptLoop attempts;
    private final IntervalFunction backoff;
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
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(resilience.initialBackoff(),
                resilience.backoffMultiplier(), resilience.backoffJitter(), resilience.maxBackoff());
        this.attempts = new AttemptLoop(routing.maxAttempts() + MAX_RECOVERY_WAITS + 1);
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
        return attempts.run(() -> attempt.apply(run), next -> exhausted(run, clock.millis()))
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
            return Flux.error(noCandidate(run, start));
        }
        Duration delay = hedgeDelay(run, candidate);
        if (delay != null) {
            return hedged(run, new Racer(candidate, start), delay);
        }
        return attempt(run, candidate, start, this::probedStream,
                (tried, chunks) -> chunks.switchOnFirst((first, all) -> first.hasValue()
                        ? committed(run, tried, all)
                        : all.thenMany(Flux.<StreamEvent>error(() -> UpstreamException.of(ErrorClass.SERVER_ERROR,
                                "upstream stream ended without any content")))));
    }

    /** The upstream stream of one candidate through the first-chunk probe. */
    private Flux<ChatChunk> probedStream(RequestRun run, Candidate candidate, long start) {
        return probe.guard(candidate.client().stream(candidate.request(run.command())), firstChunkTimeout,
                run.remaining(start));
    }

    /** The chunks, or an error when the stream ends without any content. */
    private static Flux<ChatChunk> contentOrError(Flux<ChatChunk> chunks) {
        return chunks.switchIfEmpty(Flux.error(() -> UpstreamException.of(ErrorClass.SERVER_ERROR,
                "upstream stream ended without any content")));
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
     * A failure before delivery (anything but a {@link MidStreamException}) is judged by {@link #afterFailure}.
     */
    private <U, T> Flux<T> attempt(RequestRun run, Call<U> call, BiFunction<Tried, Flux<U>, Publisher<T>> deliver) {
        long start = clock.millis();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Flux.error(noCandidate(run, start));
        }
        return attempt(run, candidate, start, call, deliver);
    }

    private <U, T> Flux<T> attempt(RequestRun run, Candidate candidate, long start, Call<U> call,
            BiFunction<Tried, Flux<U>, Publisher<T>> deliver) {
        return Flux.from(deliver.apply(new Tried(candidate, start), upstream(run, candidate, start, call)))
                .onErrorResume(error -> !(error instanceof MidStreamException),
                        error -> Flux.error(afterFailure(run, candidate, error, start)));
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
        // the scope books the upstream time and the in-flight count (see AttemptScope); the guards' operators
        // are made inside the one defer, so each subscription gets its own without a second defer around them
        Function<Flux<U>, Publisher<U>> guarded = guards.guard(candidate.provider());
        return Flux.defer(() -> guarded.apply(new AttemptScope<>(Flux.from(call.make(run, candidate, start)), run,
                candidate, tracing, paces)));
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
     * Race#claim}, and only the claimant's chunks get through to {@code firstWithValue}, so both agree.
     */
    private Flux<StreamEvent> hedged(RequestRun run, Racer first, Duration delay) {
        Race race = new Race(run, first);
        // the timer ends with the race: a stream that finished before the delay is not held open by it
        Flux<ChatChunk> hedge = Mono.delay(delay, LoopTimers.scheduler())
                .takeUntilOther(race.decided())
                .flatMapMany(tick -> {
                    Racer second = race.startHedge();
                    return second == null ? Flux.<ChatChunk>empty() : racer(run, race, second);
                });
        return Flux.firstWithValue(racer(run, race, first), hedge)
                // no racer delivered: what the race's failures decided (firstWithValue says only "no value")
                .onErrorMap(error -> race.winner() == null, error -> race.outcome())
                .switchOnFirst((lead, chunks) -> {
                    if (!lead.hasValue()) {
                        return chunks.thenMany(Flux.<StreamEvent>error(race::outcome));
                    }
                    race.announceWinner();
                    return committed(run, Objects.requireNonNull(race.winner()).tried(), chunks);
                });
    }

    /** The plan's next candidate for a hedge, if the provider's budget allows one; null otherwise. */
    private @Nullable Candidate hedgeCandidate(RequestRun run, Candidate first) {
        String provider = first.provider().name();
        if (!hedging.trySpend(provider)) {
            return null;
        }
        Candidate next = run.nextCandidate(clock.millis());
        if (next == null) {
            hedging.refund(provider);
            return null;
        }
        hedging.started();
        return next;
    }

    /** One racer's chunks until the race stops it; they get through only once the racer has won the race. */
    private Flux<ChatChunk> racer(RequestRun run, Race race, Racer racer) {
        return upstream(run, racer.candidate(), racer.start(), this::probedStream)
                .transform(FallbackChain::contentOrError)
                .takeUntilOther(racer.stopped())
                .filter(chunk -> race.claim(racer))
                .onErrorResume(error -> !racer.delivered, error -> race.failed(racer, error));
    }

    /** One side of a hedged attempt: its candidate, when it started, whether it delivered, how to stop it. */
    private static final class Racer {

        private final Candidate candidate;
        private final long start;
        private final Sinks.Empty<Void> stop = Sinks.empty();
        private volatile boolean delivered;
        /** Out of the race (it failed, or it was stopped); changed under the race's lock. */
        private boolean out;

        Racer(Candidate candidate, long start) {
            this.candidate = candidate;
            this.start = start;
        }

        Candidate candidate() {
            return candidate;
        }

        long start() {
            return start;
        }

        Tried tried() {
            return new Tried(candidate, start);
        }

        Mono<Void> stopped() {
            return stop.asMono();
        }
    }

    /**
     * The state of one hedged attempt. Its racers signal on different threads (an event loop, a timer), so
     * every change, and the request's bookkeeping it makes, happens under the race's lock.
     */
    private final class Race {

        private final RequestRun run;
        private final Racer first;
        private @Nullable Racer second;
        private boolean over;
        private volatile @Nullable Racer winner;
        private @Nullable Throwable failure;
        private final Sinks.Empty<Void> decided = Sinks.empty();

        Race(RequestRun run, Racer first) {
            this.run = run;
            this.first = first;
        }

        /** Completes once the race is decided (a racer delivered, or it ended with an error). */
        Mono<Void> decided() {
            return decided.asMono();
        }

        /** Starts the hedge unless the race is over (the first racer delivered or failed meanwhile). */
        synchronized @Nullable Racer startHedge() {
            if (over || first.out) {
                return null;
            }
            Candidate candidate = hedgeCandidate(run, first.candidate());
            if (candidate == null) {
                return null;
            }
            run.hedgedWith(candidate);
            second = new Racer(candidate, clock.millis());
            return second;
        }

        /** The racer whose content won the race, or null while none has. */
        @Nullable Racer winner() {
            return winner;
        }

        /**
         * Whether a chunk of {@code racer} goes on: always once it has won; its first content wins the race when
         * no racer has yet and it is still in it ({@link #announceWinner} then ends the rest of the race).
         */
        boolean claim(Racer racer) {
            if (winner == racer) {
                return true;
            }
            synchronized (this) {
                if (winner != null || racer.out) {
                    return false;
                }
                winner = racer;
                racer.delivered = true;
                over = true;
            }
            return true;
        }

        /**
         * Once the winner's first chunk has passed {@code firstWithValue} (which cancels the other racer and the
         * hedge timer): the race is decided, the other racer, if it still ran, is listed as hedged out.
         *
         * <p>Why not in {@link #claim}: there the winner's chunk has not reached {@code firstWithValue} yet, so
         * ending the hedge timer or the loser then made them complete empty while the race was still open, and
         * {@code firstWithValue} built a {@code NoSuchElementException}, stack trace and all, for every stream
         * (2.5 % of a relayed stream's event-loop time in the profile; docs/PERFORMANCE.md).
         */
        void announceWinner() {
            Racer won = Objects.requireNonNull(winner);
            Racer loser;
            synchronized (this) {
                decided.tryEmitEmpty();
                loser = won == first ? second : first;
                if (loser == null || loser.out) {
                    loser = null;
                } else {
                    stop(loser);
                }
            }
            if (won != first) {
                hedging.won();
            }
            if (loser == first) {
                // what the slow first call had waited is a lower bound of its time to first content
                paces.firstContent(loser.candidate(), clock.millis() - loser.start());
            }
        }

        /** Why no racer delivered: the failure that ended the race. */
        synchronized Throwable outcome() {
            return failure != null ? failure : new NextAttempt(0, "hedged attempt ended without content");
        }

        /**
         * A racer failed before content: book it; wait for the rival if it still runs, else go on as usual. A
         * racer the provider's bulkhead or circuit refused ({@link ProviderUnavailableException} on Path B) says
         * nothing about its rival's call, which already holds its permit: the rival goes on too.
         */
        synchronized Flux<ChatChunk> failed(Racer racer, Throwable error) {
            if (racer.out || winner != null) {
                // out of the race, or it lost just now and is about to be listed as hedged out
                return Flux.empty();
            }
            racer.out = true;
            Throwable next = afterFailure(run, racer.candidate(), error, racer.start());
            Racer rival = racer == first ? second : first;
            boolean rivalRuns = rival != null && !rival.out;
            if (rivalRuns && (next instanceof NextAttempt || next instanceof ProviderUnavailableException)) {
                return Flux.empty();
            }
            over = true;
            failure = next;
            decided.tryEmitEmpty();
            if (rivalRuns) {
                stop(rival);
            }
            return Flux.error(next);
        }

        /** Cancels a racer's upstream call (its connection is closed) and lists it as hedged out. */
        private void stop(Racer racer) {
            racer.out = true;
            run.hedgedOut(racer.candidate(), clock.millis() - racer.start());
            racer.stop.tryEmitEmpty();
        }
    }

    /** The candidate of an attempt and when (gateway clock, epoch millis) the attempt started. */
    private record Tried(Candidate candidate, long start) {
    }

    private ChatResult completed(RequestRun run, Tried tried, Completion completion) {
        long now = clock.millis();
        long latency = now - tried.start();
        Candidate candidate = tried.candidate();
        Usage usage = completion.usage().estimated()
                ? Usage.estimate(run.command().promptChars(), completion.chars())
                : completion.usage();
        int calls = completion.choices().stream().mapToInt(choice -> choice.toolCalls().size()).sum();
        run.succeeded(candidate, usage, completion.chars(), completion.finishReason(),
                keepStreamText ? completion.content() : null, calls, latency, now);
        listener.succeeded(candidate, latency);
        // a whole answer is its own first content
        paces.firstContent(candidate, latency);
        paces.outcome(candidate, false);
        paces.tokens(candidate, usage.promptTokens(), usage.cachedTokens());
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
            return new StreamEvent.Committed(candidate.route(), run.attempts(), candidate.relays(run.command()));
        }

        @Override
        public StreamEvent done(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            long now = clock.millis();
            Usage usage = tally.usage(run.command().promptChars());
            run.succeeded(candidate, usage, tally.chars(), tally.finishReason(), tally.text(), tally.toolCallCount(),
                    now - start, now);
            listener.succeeded(candidate, now - start);
            paces.outcome(candidate, false);
            paces.tokens(candidate, usage.promptTokens(), usage.cachedTokens());
            return new StreamEvent.Done(new ChatResult(run.command().requestId(), tally.choices(), candidate.route(),
                    usage, now - run.startMillis(), run.attempts(), null));
        }

        @Override
        public Throwable failed(RequestRun run, Candidate candidate, long start, StreamTally tally, Throwable error) {
            UpstreamException failure = ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
            run.failedMidStream(candidate, failure, tally.usage(run.command().promptChars()), tally.chars(),
                    clock.millis() - start);
            listener.failed(candidate, failure);
            paces.outcome(candidate, true);
            return new MidStreamException(candidate.route(), failure, run.attempts());
        }

        @Override
        public void cancelled(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            run.cancelledMidStream(candidate, tally.usage(run.command().promptChars()), tally.chars(),
                    clock.millis() - start);
        }
    }

    /** What a failed attempt means: another attempt (maybe after a backoff) or the request's final error. */
    private Throwable afterFailure(RequestRun run, Candidate candidate, Throwable error, long start) {
        boolean pathB = candidate.path() == RoutePath.MODEL;
        if (error instanceof BulkheadFullException) {
            return pathB ? new ProviderUnavailableException(candidate.provider().name(),
                    ProviderUnavailableException.Reason.AT_CONCURRENCY_LIMIT, "The provider '"
                    + candidate.provider().name() + "' is at its concurrency limit; retry shortly.")
                    : new NextAttempt(0, "provider at its concurrency limit");
        }
        if (error instanceof CallNotPermittedException) {
            return pathB ? new ProviderUnavailableException(candidate.provider().name(),
                    ProviderUnavailableException.Reason.CIRCUIT_OPEN, "The provider '"
                    + candidate.provider().name() + "' is failing and its circuit is open.")
                    : new NextAttempt(0, "provider circuit open");
        }
        UpstreamException failure = ErrorOverrides.apply(candidate.provider(), UpstreamFailures.classify(error));
        run.failed(candidate, failure, clock.millis() - start);
        listener.failed(candidate, failure);
        if (failure.errorClass().movesOn()) {
            // the key's or the provider's trouble; a bad request or an unknown model says nothing about their pace
            paces.outcome(candidate, true);
        }
        run.plan().failed(candidate, failure.errorClass());
        if (failure.errorClass() == ErrorClass.MODEL_NOT_FOUND) {
            // a model the provider does not know: the client's typo on Path B, a configuration problem on Path A
            return pathB ? new ModelNotFoundException(candidate.provider().name(), candidate.model(),
                    failure.getMessage()) : new NextAttempt(0, failure.errorClass().code());
        }
        if (!failure.errorClass().movesOn()) {
            return failure;
        }
        return new NextAttempt(backoffMillis(run, candidate, failure), failure.errorClass().code());
    }

    /** Transient provider trouble on Path B (the same provider is next) waits a little, with jitter. */
    private long backoffMillis(RequestRun run, Candidate candidate, UpstreamException failure) {
        if (!failure.errorClass().providerTrouble() || candidate.path() != RoutePath.MODEL) {
            return 0;
        }
        // grows with this provider's own failures in the request, not with keys that left the pool
        long waited = backoff.apply(Math.max(1, run.troubles(candidate.provider().name())));
        return Math.min(waited, Math.max(0, run.deadlineMillis() - clock.millis() - 1));
    }

    /**
     * The plan has nothing left to try. The request waits for a key to come back only when no key of the
     * plan is usable at all (every one cooling or at a limit) and one comes back within the deadline; the
     * wait shows among the attempts. Otherwise (the providers used their budgets, or nothing will come back in
     * time) this is the request's final error, at once.
     */
    private Throwable noCandidate(RequestRun run, long now) {
        RoutePlan plan = run.plan();
        if (run.mayWaitForRecovery(now) && run.waits() < MAX_RECOVERY_WAITS && !plan.usableNow()) {
            RoutePlan.Recovery recovery = plan.earliestRecovery(now);
            if (recovery != null && recovery.atMillis() > now && recovery.atMillis() <= run.deadlineMillis()) {
                long wait = recovery.atMillis() - now + 1;
                run.waitedFor(recovery, wait);
                run.replanBeforeNextAttempt();
                return new NextAttempt(wait, "waiting for a key to recover");
            }
        }
        return exhausted(run, now);
    }

    private CandidatesExhaustedException exhausted(RequestRun run, long now) {
        List<Attempt> attempts = run.attempts();
        RoutePlan plan = run.plan();
        RoutePlan.Recovery recovery = plan.earliestRecovery(now);
        Duration retryAfter = recovery != null && recovery.atMillis() > now
                ? Duration.ofMillis(recovery.atMillis() - now) : null;
        boolean pathB = plan.path() == RoutePath.MODEL;
        if (run.deadlinePassed(now) && run.attemptCount() > 0) {
            return new CandidatesExhaustedException(Reason.DEADLINE_EXCEEDED, "The request deadline passed after "
                    + run.attemptCount() + " attempt(s): " + summary(attempts), attempts, null);
        }
        if (plan.noValidKey()) {
            return new CandidatesExhaustedException(Reason.NO_VALID_KEY, (pathB ? "Every key of the provider"
                    : "Every key of every provider") + " is invalid or disabled: fix or enable the keys, or add new "
                    + "ones (GET /admin/keys shows them)." + (attempts.isEmpty() ? "" : " Tried: " + summary(attempts)),
                    attempts, null);
        }
        if (run.attemptCount() == 0) {
            String when = retryAfter == null ? "" : "; the first is back at " + Instant.ofEpochMilli(recovery.atMillis())
                    + " (" + recovery.key() + ")";
            return pathB
                    ? new CandidatesExhaustedException(Reason.NO_USABLE_KEY, "Every key of the provider is "
                            + "cooling, disabled or at its daily limit" + when + ".", attempts, retryAfter)
                    : new CandidatesExhaustedException(Reason.NO_USABLE_PROVIDER, "No provider has a usable key "
                            + "(cooling, disabled, at a daily limit or circuit open)" + when + ".", attempts, retryAfter);
        }
        String what = pathB ? "Every key of the provider failed" : "Every provider failed";
        return new CandidatesExhaustedException(pathB ? Reason.ALL_KEYS_FAILED : Reason.ALL_PROVIDERS_FAILED,
                what + " (" + run.attemptCount() + " attempt(s)): " + summary(attempts), attempts, retryAfter);
    }

    private static String summary(List<Attempt> attempts) {
        return attempts.stream()
                .map(a -> a.provider() + " (" + a.key() + "): " + a.errorClass().code() + (a.status() > 0 ? " " + a.status() : ""))
                .collect(Collectors.joining("; "));
    }
}
