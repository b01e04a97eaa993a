package dev.switchboard.routing;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.routing.RequestRun.Outcome;
import dev.switchboard.support.StartupGate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
/**
 * The one entry point of every surface: admit the request (per-client limits), plan the route, run the
 * fallback chain, tell the observers how it ended. Lazy: nothing happens before subscription, and
 * cancelling cancels the upstream call.
 */
public final class ChatService {

    private final ChatRouter router;
    private final FallbackChain chain;
    private final List<RequestObserver> observers;
    private final StartupGate startup;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final RequestAdmission admission;

    public ChatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers, StartupGate startup) {
        this(router, chain, observers, startup, RequestAdmission.OPEN);
    }

    public ChatService(ChatRouter router, FallbackChain chain, List<RequestObserver> observers, StartupGate startup,
            RequestAdmission admission) {
        this.router = router;
        this.chain = chain;
        this.observers = List.copyOf(observers);
        this.startup = startup;
        this.admission = Objects.requireNonNull(admission, "admission");
    }

    public Mono<ChatResult> complete(ChatCommand command) {
        Objects.requireNonNull(command, "command");
        Mono<ChatResult> request = Mono.defer(() -> {
            RequestAdmission.Permit permit = admission.admit(command);
            RequestRun run = begin(command, permit);
            inFlight.incrementAndGet();
            return chain.complete(run)
                    .doOnError(error -> run.end(outcomeOf(error), now()))
                    .doFinally(signal -> {
                        permit.release();
                        ended(run, signal);
                    });
        });
        return startup.isOpen() ? request : startup.whenOpen().then(request);
    }

    public Flux<StreamEvent> stream(ChatCommand command) {
        Objects.requireNonNull(command, "command");
        Flux<StreamEvent> request = Flux.defer(() -> {
            RequestAdmission.Permit permit = admission.admit(command);
            RequestRun run = begin(command, permit);
            inFlight.incrementAndGet();
            return chain.stream(run)
                    .doOnError(error -> run.end(outcomeOf(error), now()))
                    .doFinally(signal -> {
                        permit.release();
                        ended(run, signal);
                    });
        });
        return startup.isOpen() ? request : startup.whenOpen().thenMany(request);
    }

    /** Requests running right now (every one that started and has not ended, however it ends). */
    public int inFlight() {
        return inFlight.get();
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

    private void ended(RequestRun run, SignalType signal) {
        inFlight.decrementAndGet();
        run.end(signal == SignalType.CANCEL ? Outcome.CANCELLED : Outcome.FAILED, now());
        for (RequestObserver observer : observers) {
            observer.ended(run);
        }
    }

    private static Outcome outcomeOf(Throwable error) {
        return error instanceof UpstreamException upstream && !upstream.errorClass().movesOn()
                ? Outcome.REJECTED : Outcome.FAILED;
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }
}
