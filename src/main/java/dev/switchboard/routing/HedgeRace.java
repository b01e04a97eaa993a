package dev.switchboard.routing;

import dev.switchboard.chat.ProviderUnavailableException;
import dev.switchboard.providers.UpstreamRequest;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The state of one hedged attempt ({@link FallbackChain}'s hedged first chunk): its first racer, the hedge
 * started after the delay if the provider's budget allows it, which racer's content won, and what the race's
 * failures decided. Its racers signal on different threads (an event loop, a timer), so every change, and the
 * request's bookkeeping it makes, happens under the race's lock.
 */
final class HedgeRace {

    private final RequestRun run;
    private final Racer first;
    private final HedgePolicy hedging;
    private final Paces paces;
    private final AttemptFailures failures;
    private final Clock clock;
    private @Nullable Racer second;
    private boolean over;
    private volatile @Nullable Racer winner;
    private @Nullable Throwable failure;
    private final Sinks.Empty<Void> decided = Sinks.empty();

    HedgeRace(RequestRun run, Racer first, HedgePolicy hedging, Paces paces, AttemptFailures failures, Clock clock) {
        this.run = run;
        this.first = first;
        this.hedging = hedging;
        this.paces = paces;
        this.failures = failures;
        this.clock = clock;
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
        Candidate candidate = hedgeCandidate(first.candidate());
        if (candidate == null) {
            return null;
        }
        run.hedgedWith(candidate);
        second = new Racer(candidate, candidate.request(run.command()), clock.millis());
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
     *
     * @return the error the request goes on with, or null when the racer's stream just ends (its rival goes on,
     *     or the racer was out of the race already)
     */
    synchronized @Nullable Throwable failed(Racer racer, Throwable error) {
        if (racer.out || winner != null) {
            // out of the race, or it lost just now and is about to be listed as hedged out
            return null;
        }
        racer.out = true;
        Throwable next = failures.afterFailure(run, racer.candidate(), error, racer.start());
        Racer rival = racer == first ? second : first;
        boolean rivalRuns = rival != null && !rival.out;
        if (rivalRuns && (next instanceof NextAttempt || next instanceof ProviderUnavailableException)) {
            return null;
        }
        over = true;
        failure = next;
        decided.tryEmitEmpty();
        if (rivalRuns) {
            stop(rival);
        }
        return next;
    }

    /** Cancels a racer's upstream call (its connection is closed) and lists it as hedged out. */
    private void stop(Racer racer) {
        racer.out = true;
        run.hedgedOut(racer.candidate(), clock.millis() - racer.start());
        racer.stop();
    }

    /** The plan's next candidate for a hedge, if the provider's budget allows one; null otherwise. */
    private @Nullable Candidate hedgeCandidate(Candidate lead) {
        String provider = lead.provider().name();
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

    /** One side of a hedged attempt: its candidate, when it started, whether it delivered, how to stop it. */
    static final class Racer {

        private static final Runnable STOPPED = () -> { };

        private final Candidate candidate;
        private final long start;
        /**
         * The request it sends, built when it joined the race and handed out once, to its upstream call. Why
         * then: the rival's commit lets the request's prompt go ({@code RequestRun.releasePrompt}) on another
         * thread, and a racer that joined just before must still send the whole prompt. Why once: the race
         * stays reachable for the whole stream, and so would the prompt.
         */
        private @Nullable UpstreamRequest request;
        private volatile boolean delivered;
        /** What stops its stream ({@link RacerGate}); {@code STOPPED} once stopped. */
        private @Nullable Runnable onStop;
        /** Out of the race (it failed, or it was stopped); changed under the race's lock. */
        private boolean out;

        Racer(Candidate candidate, UpstreamRequest request, long start) {
            this.candidate = candidate;
            this.request = request;
            this.start = start;
        }

        /** Its request, for its one upstream call. */
        UpstreamRequest takeRequest() {
            UpstreamRequest taken = Objects.requireNonNull(request, "a racer makes its upstream call once");
            request = null;
            return taken;
        }

        Candidate candidate() {
            return candidate;
        }

        long start() {
            return start;
        }

        boolean delivered() {
            return delivered;
        }

        /** Runs {@code stop} when the race stops this racer, or at once if it has already. */
        void onStop(Runnable stop) {
            synchronized (this) {
                if (onStop != STOPPED) {
                    onStop = stop;
                    return;
                }
            }
            stop.run();
        }

        private void stop() {
            Runnable stop;
            synchronized (this) {
                stop = onStop;
                onStop = STOPPED;
            }
            if (stop != null && stop != STOPPED) {
                stop.run();
            }
        }
    }
}
