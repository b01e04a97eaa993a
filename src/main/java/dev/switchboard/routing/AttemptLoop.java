package dev.switchboard.routing;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The retry loop of {@link FallbackChain}: while an attempt fails with a {@link NextAttempt}, the next attempt
 * is subscribed after that attempt's wait, up to {@code maxAttempts} attempts in all. The last attempt's
 * {@code NextAttempt} becomes the request's final error; any other error ends the loop as it is.
 *
 * <p>Why not Resilience4j's {@code RetryOperator}, which ran this loop before: it wraps every request in
 * Reactor's {@code retryWhen}, which builds a companion sink and a {@code flatMap} per request and adds two
 * peeks that run for every element, and an open stream keeps all of it (about 1 KB a stream;
 * docs/PERFORMANCE.md). Here a request whose first attempt succeeds, nearly all of them, costs one
 * {@code onErrorResume}; each failed attempt adds one. The backoff itself still comes from Resilience4j's
 * {@code IntervalFunction}. The wait is a {@code Mono.delay} as it was, also when it is 0: the next attempt
 * starts after the failed one has given its connection back.
 */
final class AttemptLoop {

    private final int maxAttempts;

    /** @param maxAttempts attempts in all, the first included */
    AttemptLoop(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
    }

    /**
     * The attempts made by {@code attempt} (called once per attempt, at its subscription) until one ends
     * without a {@link NextAttempt}.
     *
     * @param exhausted the request's error when the last attempt allowed asked for another
     */
    <T> Flux<T> run(Supplier<Flux<T>> attempt, Function<NextAttempt, Throwable> exhausted) {
        return from(1, attempt, exhausted);
    }

    private <T> Flux<T> from(int number, Supplier<Flux<T>> attempt, Function<NextAttempt, Throwable> exhausted) {
        Flux<T> one = Flux.defer(attempt);
        if (number >= maxAttempts) {
            return one.onErrorMap(NextAttempt.class, exhausted);
        }
        return one.onErrorResume(NextAttempt.class, next -> Mono.delay(Duration.ofMillis(next.waitMillis()))
                .thenMany(from(number + 1, attempt, exhausted)));
    }
}
