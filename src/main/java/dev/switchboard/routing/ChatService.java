package dev.switchboard.routing;

import dev.switchboard.cache.ResponseCache;
import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.routing.RequestRun.Outcome;
import dev.switchboard.support.AfterEnd;
import dev.switchboard.support.LogContext;
import dev.switchboard.support.StartupGate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The one entry point of every surface: admit the request (per-client limits), plan the route, serve it
 * from the response cache or run the fallback chain, tell the observers how it ended. Lazy: nothing happens before subscription, and
 * cancelling cancels the upstream call.
 */
public final class ChatService {

    private final ChatRouter router;
    private final FallbackChain chain;
    private final List<RequestObserver> observers;
    private final StartupGate startup;
    private final RequestAdmission admission;
    private final Clock clock;
    private final CachedAnswers answers;
    private final RequestTracing tracing;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ChatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers, StartupGate startup,
            RequestAdmission admission, Clock clock) {
        this(router, chain, observers, startup, admission, clock, null, RequestTracing.OFF);
    }

    /**
     * @param cache the response cache, consulted after planning and before any provider; null for none
     * @param tracing where a request's trace id comes from ({@link RequestTracing#OFF}: none)
     */
    public ChatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers, StartupGate startup,
            RequestAdmission admission, Clock clock, @Nullable ResponseCache cache, RequestTracing tracing) {
        this.answers = new CachedAnswers(cache, clock);
        this.tracing = tracing;
        this.router = router;
        this.chain = chain;
        this.observers = List.copyOf(observers);
        this.startup = startup;
        this.admission = Objects.requireNonNull(admission, "admission");
        this.clock = clock;
    }

    /** One JSON answer. */
    public Mono<ChatResult> complete(ChatCommand command) {
        return Mono.fromDirect(run(command, run -> answers.complete(run, chain::complete), null));
    }

    /** A stream whose first event is {@link StreamEvent.Committed}, sent only once real content arrived. */
    public Flux<StreamEvent> stream(ChatCommand command) {
        return run(command, run -> answers.stream(run, chain::stream), null);
    }

    /**
     * The same stream for a client that may come back for it (a resumable stream): the request's end is told to
     * the observers only once {@code delivery} has settled, with how often the client resumed.
     */
    public Flux<StreamEvent> stream(ChatCommand command, StreamDelivery delivery) {
        return run(command, run -> answers.stream(run, chain::stream), Objects.requireNonNull(delivery, "delivery"));
    }

    /** Requests running right now (every one that started and has not ended, however it ends). */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * The life of one request, whatever its kind: admitted, planned, run through {@code pipeline}, and its
     * end told to every observer exactly once (done, failed or cancelled), after {@code delivery} settled when
     * there is one; startup holds it until open.
     */
    private <T> Flux<T> run(ChatCommand command, Function<RequestRun, Publisher<T>> pipeline,
            @Nullable StreamDelivery delivery) {
        // the request's publisher stays reachable for its whole run, so its step keeps the command only until it
        // starts: the run holds it from then on, and lets its prompt go at a stream's commit (RequestRun#releasePrompt)
        AtomicReference<@Nullable ChatCommand> pending = new AtomicReference<>(Objects.requireNonNull(command, "command"));
        Flux<T> request = Flux.deferContextual(context -> {
            ChatCommand asked = pending.getAndSet(null);
            if (asked == null) {
                return Flux.error(new IllegalStateException("a request runs once: its publisher was subscribed again"));
            }
            RequestAdmission.Permit permit = admission.admit(asked);
            RequestRun run = begin(asked, permit);
            run.traceId(tracing.traceId(context));
            inFlight.incrementAndGet();
            // one operator for doOnError and doFinally: every chunk of a stream passes it
            return AfterEnd.of(Flux.from(pipeline.apply(run)), (signal, error) -> {
                if (error != null) {
                    run.end(outcomeOf(error), clock.millis());
                }
                permit.release();
                ended(run, signal, delivery);
            });
        });
        return startup.isOpen() ? request : startup.whenOpen().thenMany(request);
    }

    /** Plans the route; a request refused while planning (unknown model...) gives its permit back. */
    private RequestRun begin(ChatCommand command, RequestAdmission.Permit permit) {
        try {
            return router.begin(command);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    private void ended(RequestRun run, SignalType signal, @Nullable StreamDelivery delivery) {
        inFlight.decrementAndGet();
        run.end(signal == SignalType.CANCEL ? Outcome.CANCELLED : Outcome.FAILED, clock.millis());
        if (delivery == null) {
            tellObservers(run);
        } else {
            delivery.whenSettled(() -> {
                run.delivered(delivery.resumes(), delivery.abandoned());
                tellObservers(run);
            });
        }
    }

    private void tellObservers(RequestRun run) {
        try (LogContext ignored = LogContext.open(run.command().requestId(), run.traceId())) {
            for (RequestObserver observer : observers) {
                observer.ended(run);
            }
        }
    }

    private static Outcome outcomeOf(Throwable error) {
        return error instanceof UpstreamException upstream && !upstream.errorClass().movesOn()
                || error instanceof ModelNotFoundException ? Outcome.REJECTED : Outcome.FAILED;
    }
}
