package dev.switchboard.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;

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
    private static final EndMarker MARKER = EndMarker.DEFAULT;

    @Test
    void readsOnToTheEndOfTheBodyInsteadOfCancellingItAtTheMarker() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT, DONE)))
                .expectNext(TEXT, DONE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void dropsWhatFollowsTheMarker() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT, DONE, LATE), List.of(SseEvent.PULSE)))
                .expectNext(TEXT, DONE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void cutsOffABodyKeptOpenAfterTheMarkerOnceTheGraceHasPassed() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT, DONE)))
                .expectNext(TEXT, DONE)
                .expectNoEvent(MARKER.endGrace().minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertCancelled();
    }

    /** A loaded upstream ends its body up to 2 s after the marker; cutting it resets the upstream stream. */
    @Test
    void waitsSecondsForALateEndOfTheBodyInsteadOfResettingIt() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT, DONE)))
                .expectNext(TEXT, DONE)
                .expectNoEvent(Duration.ofSeconds(2))
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void theWaitsStayBelowHalfTheIdleTimeoutSoTheIdleDeadlineNeverFiresFirst() {
        assertThat(EndMarker.DEFAULT.endGrace()).isEqualTo(EndMarker.MAX_END_GRACE);
        assertThat(EndMarker.DEFAULT.failureGrace()).isEqualTo(EndMarker.FAILURE_GRACE);
        assertThat(EndMarker.forIdleTimeout(Duration.ofSeconds(3)).endGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(EndMarker.forIdleTimeout(Duration.ofMillis(600)).failureGrace()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aBodyWithoutMarkerPassesThroughAndIsNeverCutOff() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT)))
                .expectNext(TEXT)
                .expectNoEvent(MARKER.endGrace().multipliedBy(10))
                .then(() -> body.next(List.of(LATE)))
                .expectNext(LATE)
                .then(body::complete)
                .expectComplete().verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void anErrorBeforeTheMarkerPassesThrough() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, List::of, List::of))
                .then(() -> body.next(List.of(TEXT)))
                .expectNext(TEXT)
                .then(() -> body.error(new IllegalStateException("reset")))
                .expectErrorMessage("reset").verify(Duration.ofSeconds(5));
    }

    @Test
    void holdsAnInBandFailureUntilTheBodyEnds() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError, List::of))
                .then(() -> body.next(List.of(TEXT, ERROR_EVENT, LATE)))
                .expectNext("{\"text\":\"Hi\"}")
                .expectNoEvent(Duration.ofMillis(50))
                .then(body::complete)
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));

        body.assertWasNotCancelled();
    }

    @Test
    void raisesAHeldFailureOnceTheGraceHasPassedIfTheBodyStaysOpen() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.withVirtualTime(() -> MARKER.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError, List::of))
                .then(() -> body.next(List.of(ERROR_EVENT)))
                .expectNoEvent(MARKER.failureGrace().minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));

        body.assertCancelled();
    }

    @Test
    void aTransportErrorAfterAnInBandFailureKeepsTheInBandOne() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError, List::of))
                .then(() -> body.next(List.of(ERROR_EVENT)))
                .then(() -> body.error(new IllegalStateException("connection reset")))
                .expectErrorMessage("overloaded").verify(Duration.ofSeconds(5));
    }

    @Test
    void mapsTheEventsOfEveryReadInOrderThenWhatFollowsTheBody() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError,
                        () -> List.of("end of body")))
                .then(() -> body.next(List.of(TEXT, LATE), List.of(SseEvent.PULSE), List.of(LATE, TEXT)))
                .expectNext("{\"text\":\"Hi\"}", "{\"text\":\"late\"}", "", "{\"text\":\"late\"}",
                        "{\"text\":\"Hi\"}")
                .then(body::complete)
                .expectNext("end of body")
                .expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void anInBandFailureTakesThePlaceOfWhatFollowsTheBody() {
        TestPublisher<List<SseEvent>> body = TestPublisher.create();

        StepVerifier.create(MARKER.mapThrough(body.flux(), IS_DONE, EndMarkerTest::textOrInBandError,
                        () -> List.of("end of body")))
                .then(() -> body.next(List.of(TEXT), List.of(ERROR_EVENT, LATE)))
                .expectNext("{\"text\":\"Hi\"}")
                .then(body::complete)
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
