package dev.switchboard.routing;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.Usage;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.Completion;
import dev.switchboard.providers.ErrorClass;
import dev.switchboard.providers.UpstreamException;
import dev.switchboard.providers.UpstreamFailures;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tries a request's candidates in order until one succeeds: the one pipeline behind every surface.
 *
 * <p>Sync: each attempt is a non-streamed upstream call bounded by what is left of the deadline; a
 * failure that {@linkplain ErrorClass#movesOn() moves on} tries the next candidate.
 *
 * <p>Stream: each attempt passes through {@link FirstChunkProbe}; {@code switchOnFirst} looks at the
 * first content chunk. An error (or an empty stream) before it falls back to the next candidate and the
 * client sees nothing; the first chunk emits {@link StreamEvent.Committed} and from then on a failure
 * becomes a {@link MidStreamException} that ends the stream. Since WebFlux commits a response only
 * when the body's first element is written, an error before {@code Committed} still becomes a normal
 * JSON error answer.
 */
public final class FallbackChain {

    private final RoutingProperties routing;
    private final AttemptListener listener;

    public FallbackChain(RoutingProperties routing, AttemptListener listener) {
        this.routing = routing;
        this.listener = listener;
    }

    public Mono<ChatResult> complete(RequestRun run) {
        return Mono.defer(() -> attemptComplete(run));
    }

    public Flux<StreamEvent> stream(RequestRun run) {
        return Flux.defer(() -> attemptStream(run));
    }

    private Mono<ChatResult> attemptComplete(RequestRun run) {
        long start = FirstChunkProbe.now();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Mono.error(exhausted(run, start));
        }
        Duration remaining = run.remaining(start);
        return candidate.client().complete(candidate.request(run.command()))
                .timeout(remaining, Mono.error(() -> UpstreamException.of(ErrorClass.TIMEOUT,
                        "no answer within the request deadline")))
                .map(completion -> completed(run, candidate, completion, start))
                .onErrorResume(error -> Mono.from(afterFailure(run, candidate, error, start, this::attemptComplete)));
    }

    private ChatResult completed(RequestRun run, Candidate candidate, Completion completion, long start) {
        long now = FirstChunkProbe.now();
        long latency = now - start;
        Usage usage = completion.usage().estimated()
                ? Usage.estimate(run.command().promptChars(), completion.content().length())
                : completion.usage();
        run.succeeded(candidate, usage, completion.content().length(), latency, now);
        listener.succeeded(candidate, latency);
        return new ChatResult(run.command().requestId(), completion.content(), completion.finishReason(),
                candidate.route(), usage, now - run.startMillis(), run.attempts());
    }

    private Flux<StreamEvent> attemptStream(RequestRun run) {
        long start = FirstChunkProbe.now();
        Candidate candidate = run.nextCandidate(start);
        if (candidate == null) {
            return Flux.error(exhausted(run, start));
        }
        Duration firstContent = min(routing.firstChunkTimeout(), run.remaining(start));
        Flux<ChatChunk> guarded = FirstChunkProbe.guard(candidate.client().stream(candidate.request(run.command())),
                firstContent, routing.idleTimeout(), routing.maxStreamDuration());
        return guarded
                .switchOnFirst((first, chunks) -> first.hasValue()
                        ? committed(run, candidate, start, chunks)
                        : chunks.thenMany(Flux.<StreamEvent>error(() -> UpstreamException.of(ErrorClass.SERVER_ERROR,
                                "upstream stream ended without any content"))))
                .onErrorResume(error -> !(error instanceof MidStreamException),
                        error -> afterFailure(run, candidate, error, start, this::attemptStream));
    }

    /** The probe passed: announce the route, forward text, finish with the result. */
    private Flux<StreamEvent> committed(RequestRun run, Candidate candidate, long start, Flux<ChatChunk> chunks) {
        StreamTally tally = new StreamTally();
        return Flux.concat(
                        Mono.fromSupplier(() -> {
                            run.firstToken(candidate.route(), FirstChunkProbe.now());
                            return new StreamEvent.Committed(candidate.route(), run.attempts());
                        }),
                        chunks.handle(tally::accept),
                        Mono.fromSupplier(() -> streamDone(run, candidate, tally, start)))
                .onErrorMap(error -> !(error instanceof MidStreamException),
                        error -> midStream(run, candidate, tally, start, error));
    }

    private StreamEvent streamDone(RequestRun run, Candidate candidate, StreamTally tally, long start) {
        long now = FirstChunkProbe.now();
        Usage usage = tally.usage(run.command().promptChars());
        run.succeeded(candidate, usage, tally.chars(), now - start, now);
        listener.succeeded(candidate, now - start);
        return new StreamEvent.Done(new ChatResult(run.command().requestId(), "", tally.finishReason(),
                candidate.route(), usage, now - run.startMillis(), run.attempts()));
    }

    private MidStreamException midStream(RequestRun run, Candidate candidate, StreamTally tally, long start,
            Throwable error) {
        UpstreamException failure = UpstreamFailures.classify(error);
        run.failedMidStream(candidate, failure, tally.usage(run.command().promptChars()), tally.chars(),
                FirstChunkProbe.now() - start);
        listener.failed(candidate, failure);
        return new MidStreamException(candidate.route(), failure, run.attempts());
    }

    private <T> Publisher<T> afterFailure(RequestRun run, Candidate candidate, Throwable error,
            long start, Function<RequestRun, ? extends Publisher<T>> next) {
        UpstreamException failure = UpstreamFailures.classify(error);
        run.failed(candidate, failure, FirstChunkProbe.now() - start);
        listener.failed(candidate, failure);
        if (!failure.errorClass().movesOn()) {
            return Mono.error(failure);
        }
        return next.apply(run);
    }

    private static AllCandidatesFailedException exhausted(RequestRun run, long now) {
        List<Attempt> attempts = run.attempts();
        if (attempts.isEmpty()) {
            return new AllCandidatesFailedException(503, "no_provider_available",
                    "No provider has a usable key for this request.", attempts, null);
        }
        String summary = attempts.stream()
                .map(a -> a.provider() + " (" + a.key() + "): " + a.errorClass()
                        + (a.status() > 0 ? " " + a.status() : ""))
                .collect(Collectors.joining("; "));
        if (run.deadlinePassed(now)) {
            return new AllCandidatesFailedException(504, "deadline_exceeded",
                    "The request deadline passed after " + attempts.size() + " attempt(s): " + summary, attempts, null);
        }
        String code = run.plan().exhaustedCode();
        String what = "all_keys_failed".equals(code) ? "Every key of the provider failed" : "Every provider failed";
        return new AllCandidatesFailedException(503, code, what + " (" + attempts.size() + " attempt(s)): " + summary,
                attempts, null);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
