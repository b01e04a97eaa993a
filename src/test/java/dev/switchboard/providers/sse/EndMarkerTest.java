package dev.switchboard.providers.sse;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class EndMarkerTest {

    private static final SseEvent TEXT = new SseEvent("message", "{\"text\":\"Hi\"}");
    private static final SseEvent DONE = new SseEvent("message", "[DONE]");
    private static final SseEvent LATE = new SseEvent("message", "{\"text\":\"late\"}");
    private static final Predicate<SseEvent> IS_DONE = event -> event.data().equals("[DONE]");

    @Test
    void readsOnToTheEndOfTheBodyInsteadOfCancellingItAtTheMarker() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.create(EndMarker.mapThrough(body.flux(), IS_DONE, List::of))
                .then(() -> body.next(TEXT, DONE))
                .expectNext(TEXT, DONE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void dropsWhatFollowsTheMarker() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.create(EndMarker.mapThrough(body.flux(), IS_DONE, List::of))
                .then(() -> body.next(TEXT, DONE, LATE, SseEvent.PULSE))
                .expectNext(TEXT, DONE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void cutsOffABodyKeptOpenAfterTheMarkerOnceTheGraceHasPassed() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> EndMarker.mapThrough(body.flux(), IS_DONE, List::of))
                .then(() -> body.next(TEXT, DONE))
                .expectNext(TEXT, DONE)
                .expectNoEvent(EndMarker.GRACE.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertCancelled();
    }

    @Test
    void aBodyWithoutMarkerPassesThroughAndIsNeverCutOff() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> EndMarker.mapThrough(body.flux(), IS_DONE, List::of))
                .then(() -> body.next(TEXT))
                .expectNext(TEXT)
                .expectNoEvent(EndMarker.GRACE.multipliedBy(10))
                .then(() -> body.next(LATE))
                .expectNext(LATE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void anErrorBeforeTheMarkerPassesThrough() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.create(EndMarker.mapThrough(body.flux(), IS_DONE, List::of))
                .then(() -> body.next(TEXT))
                .expectNext(TEXT)
                .then(() -> body.error(new IllegalStateException("reset")))
                .expectErrorMessage("reset").verify(Duration.ofSeconds(5));
    }

    @Test
    void holdsAnInBandFailureUntilTheBodyEnds() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.create(EndMarker.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError))
                .then(() -> body.next(TEXT, ERROR_EVENT, LATE))
                .expectNext("{\"text\":\"Hi\"}")
                .expectNoEvent(Duration.ofMillis(50))
                .then(body::complete)
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void raisesAHeldFailureOnceTheGraceHasPassedIfTheBodyStaysOpen() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> EndMarker.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError))
                .then(() -> body.next(ERROR_EVENT))
                .expectNoEvent(EndMarker.GRACE.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));

        body.assertCancelled();
    }

    @Test
    void aTransportErrorAfterAnInBandFailureKeepsTheInBandOne() {
        TestPublisher<SseEvent> body = TestPublisher.create();

        StepVerifier.create(EndMarker.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError))
                .then(() -> body.next(ERROR_EVENT))
                .then(() -> body.error(new IllegalStateException("connection reset")))
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));
    }

    private static final SseEvent ERROR_EVENT = new SseEvent("error", "{\"error\":\"overloaded\"}");

    private static List<String> textOrInBandError(SseEvent event) {
        if (event.event().equals("error")) {
            throw new IllegalStateException("overloaded");
        }
        return List.of(event.data());
    }
}
