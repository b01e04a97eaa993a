package dev.switchboard.routing;

import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.CandidatesExhaustedException;
import dev.switchboard.chat.CandidatesExhaustedException.Reason;
import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.ModelNotFoundException;
import dev.switchboard.chat.ProviderUnavailableException;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.UpstreamFailures;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link FallbackChain} makes of an attempt that failed before it delivered, and of a plan with nothing
 * left to try: the failure is booked (the request's attempts, the key's health, the provider's pace), then it
 * becomes a {@link NextAttempt} (at once, after a backoff, or after waiting for a key to recover) or the
 * request's final error, which names every attempt.
 */
final class AttemptFailures {

    /** How often one request may wait for a key to recover before it gives up. */
    static final int MAX_RECOVERY_WAITS = 3;

    private final AttemptListener listener;
    private final Paces paces;
    private final IntervalFunction backoff;
    private final Clock clock;

    /** @param backoff the wait before the same provider is tried again on Path B (Resilience4j's, with jitter) */
    AttemptFailures(AttemptListener listener, Paces paces, IntervalFunction backoff, Clock clock) {
        this.listener = listener;
        this.paces = paces;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** What a failed attempt means: another attempt (maybe after a backoff) or the request's final error. */
    Throwable afterFailure(RequestRun run, Candidate candidate, Throwable error, long start) {
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
    Throwable noCandidate(RequestRun run, long now) {
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

    CandidatesExhaustedException exhausted(RequestRun run, long now) {
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
