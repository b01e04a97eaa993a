package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The fallback chain's retry loop, in virtual time. */
class AttemptLoopTest {

    private final AtomicInteger subscribed = new AtomicInteger();

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    /** Attempts that play the given outcomes in turn (a Flux each), counting their subscriptions. */
    private Supplier<Flux<String>> attempts(List<Flux<String>> outcomes) {
        Deque<Flux<String>> left = new ArrayDeque<>(outcomes);
        return () -> {
            subscribed.incrementAndGet();
            return left.pop();
        };
    }

    private static IllegalStateException exhausted(NextAttempt last) {
        return new IllegalStateException("exhausted after: " + last.getMessage());
    }

    @Test
    void aFirstAttemptThatSucceedsIsTheOnlyOne() {
        Flux<String> loop = new AttemptLoop(3).run(attempts(List.of(Flux.just("a", "b"))), AttemptLoopTest::exhausted);

        StepVerifier.create(loop).expectNext("a", "b").expectComplete().verify(Duration.ofSeconds(5));
        assertThat(subscribed).hasValue(1);
    }

    @Test
    void theNextAttemptStartsOnlyAfterTheFailedOnesWait() {
        StepVerifier.withVirtualTime(() -> new AttemptLoop(3).run(attempts(List.of(
                                Flux.error(new NextAttempt(200, "backoff")), Flux.just("answer"))),
                        AttemptLoopTest::exhausted))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(199))
                .then(() -> assertThat(subscribed).hasValue(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("answer")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(subscribed).hasValue(2);
    }

    @Test
    void theLastAllowedAttemptAskingForAnotherEndsWithTheExhaustedError() {
        StepVerifier.withVirtualTime(() -> new AttemptLoop(3).run(attempts(List.of(
                                Flux.error(new NextAttempt(0, "first")), Flux.error(new NextAttempt(0, "second")),
                                Flux.error(new NextAttempt(0, "third")), Flux.just("never"))),
                        AttemptLoopTest::exhausted))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("exhausted after: third"))
                .verify(Duration.ofSeconds(5));
        assertThat(subscribed).hasValue(3);
    }

    @Test
    void anyOtherErrorEndsTheLoopAsItIs() {
        IllegalArgumentException badRequest = new IllegalArgumentException("bad request");
        Flux<String> loop = new AttemptLoop(5).run(attempts(List.of(Flux.error(badRequest), Flux.just("never"))),
                AttemptLoopTest::exhausted);

        StepVerifier.create(loop).expectErrorSatisfies(e -> assertThat(e).isSameAs(badRequest))
                .verify(Duration.ofSeconds(5));
        assertThat(subscribed).hasValue(1);
    }

    @Test
    void cancellingDuringTheWaitStartsNoFurtherAttempt() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        StepVerifier.withVirtualTime(() -> new AttemptLoop(3).run(attempts(List.of(
                                Flux.error(new NextAttempt(1_000, "backoff")), Flux.just("never"))),
                        AttemptLoopTest::exhausted), () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(500))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(subscribed).hasValue(1);
    }
}
