package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.MidStreamException;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * The committed stage of a stream, as one operator: what it emits in which order, how it passes the
 * client's demand on (the edge elements take their own unit), and what it books at its edges.
 */
class CommittedStreamTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final RouteInfo ROUTE = new RouteInfo("p", "p#0", "m", RoutePath.DEFAULT);
    private static final StreamEvent DONE = new StreamEvent.Text("(done)");

    private final List<String> booked = new CopyOnWriteArrayList<>();
    private final TestPublisher<ChatChunk> upstream = TestPublisher.create();

    private final CommittedStream.Edges edges = new CommittedStream.Edges() {
        @Override
        public StreamEvent.Committed committed(RequestRun run, Candidate candidate, long start) {
            booked.add("committed");
            return new StreamEvent.Committed(ROUTE, List.of(), false);
        }

        @Override
        public StreamEvent done(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            booked.add("done " + tally.chars());
            return DONE;
        }

        @Override
        public Throwable failed(RequestRun run, Candidate candidate, long start, StreamTally tally, Throwable error) {
            booked.add("failed " + error.getMessage());
            return new MidStreamException(ROUTE, UpstreamException.of(ErrorClass.SERVER_ERROR, "mid"), List.of());
        }

        @Override
        public void cancelled(RequestRun run, Candidate candidate, long start, StreamTally tally) {
            booked.add("cancelled " + tally.chars());
        }
    };

    private CommittedStream stream(Flux<ChatChunk> chunks) {
        return new CommittedStream(chunks, edges, null, null, 0, new StreamTally(false));
    }

    private static StreamEvent text(String delta) {
        return new StreamEvent.Text(delta);
    }

    @Test
    void emitsCommittedThenEachKeptChunkThenDoneAndBooksEachEdgeOnce() {
        StepVerifier.create(stream(Flux.just(new ChatChunk.Delta("he"), new ChatChunk.Finish(0, "stop"),
                        new ChatChunk.Delta("llo"))))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(text("he"), text("llo"), DONE)
                .expectComplete()
                .verify(BOUND);

        assertThat(booked).containsExactly("committed", "done 5");
    }

    @Test
    void aRelayedEventGoesOnWithWhatItCarriesAndIsTalliedByIt() {
        byte[] data = "{\"choices\":[{\"delta\":{\"content\":\"hey\"}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] empty = "{\"choices\":[{\"delta\":{\"content\":\"\"}}]}".getBytes(StandardCharsets.UTF_8);

        StepVerifier.create(stream(Flux.just(new ChatChunk.Relay("", data, false, new ChatChunk.Delta("hey")),
                        new ChatChunk.Relay("", empty, false, new ChatChunk.Delta("")))))
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .expectNext(new StreamEvent.Relay("", data, false, text("hey")),
                        new StreamEvent.Relay("", empty, false, null))
                .expectNext(DONE)
                .expectComplete()
                .verify(BOUND);

        assertThat(booked).containsExactly("committed", "done 3");
    }

    @Test
    void committedTakesTheFirstUnitAndTheChunksAreSubscribedOnlyAfterIt() {
        StepVerifier.create(stream(upstream.flux()), 0)
                .then(() -> upstream.assertWasNotSubscribed())
                .thenRequest(1)
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .then(() -> {
                    upstream.assertWasSubscribed();
                    upstream.assertMinRequested(0);
                    upstream.assertMaxRequested(0);
                })
                .thenRequest(2)
                .then(() -> upstream.assertMinRequested(2))
                .then(() -> upstream.next(new ChatChunk.Delta("a"), new ChatChunk.Delta("b")))
                .expectNext(text("a"), text("b"))
                .then(() -> upstream.assertMaxRequested(0))
                .thenCancel()
                .verify(BOUND);
    }

    @Test
    void aChunkTheTallyKeepsToItselfIsReplacedByAskingTheUpstreamForOneMore() {
        StepVerifier.create(stream(upstream.flux()), 2)
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .then(() -> upstream.assertMaxRequested(1))
                .then(() -> upstream.next(new ChatChunk.Finish(0, "stop")))
                .then(() -> upstream.assertMinRequested(1))
                .then(() -> upstream.next(new ChatChunk.Delta("x")))
                .expectNext(text("x"))
                .thenCancel()
                .verify(BOUND);
    }

    @Test
    void doneWaitsForAUnitOfItsOwnAfterTheUpstreamCompleted() {
        StepVerifier.create(stream(upstream.flux()), 2)
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .then(() -> upstream.next(new ChatChunk.Delta("x")))
                .expectNext(text("x"))
                .then(upstream::complete)
                .then(() -> assertThat(booked).containsExactly("committed", "done 1"))
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .expectNext(DONE)
                .expectComplete()
                .verify(BOUND);
    }

    @Test
    void aRequestMadeWhileCommittedIsDeliveredGoesUpstreamOnceTheChunksAreSubscribed() {
        // a client that asks for the next element from inside onNext, as Reactor Netty's writer does
        StepVerifier.create(stream(upstream.flux()), 1)
                .consumeNextWith(committed -> assertThat(committed).isInstanceOf(StreamEvent.Committed.class))
                .thenRequest(1)
                .then(() -> upstream.assertMinRequested(1))
                .then(() -> upstream.next(new ChatChunk.Delta("x")))
                .expectNext(text("x"))
                .thenCancel()
                .verify(BOUND);
    }

    @Test
    void anUpstreamFailureBecomesWhatTheEdgesMakeOfItAndAMidStreamFailurePassesAsItIs() {
        StepVerifier.create(stream(Flux.concat(Flux.just(new ChatChunk.Delta("x")),
                        Flux.error(new IllegalStateException("reset")))))
                .expectNextCount(2)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(MidStreamException.class))
                .verify(BOUND);
        assertThat(booked).containsExactly("committed", "failed reset");

        booked.clear();
        MidStreamException already = new MidStreamException(ROUTE, UpstreamException.of(ErrorClass.TIMEOUT, "t"), List.of());
        StepVerifier.create(stream(Flux.error(already)))
                .expectNextCount(1)
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(already))
                .verify(BOUND);
        assertThat(booked).containsExactly("committed");
    }

    @Test
    void aClientThatCancelsMidStreamIsBookedWithWhatItGotAndTheUpstreamIsCancelled() {
        StepVerifier.create(stream(upstream.flux()), 3)
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .then(() -> upstream.next(new ChatChunk.Delta("abc")))
                .expectNext(text("abc"))
                .thenCancel()
                .verify(BOUND);

        upstream.assertCancelled();
        assertThat(booked).containsExactly("committed", "cancelled 3");
    }

    @Test
    void aCancelAfterTheUpstreamCompletedIsNotBookedAsACancelledStream() {
        StepVerifier.create(stream(upstream.flux()), 1)
                .expectNextMatches(StreamEvent.Committed.class::isInstance)
                .then(upstream::complete)
                .thenCancel()
                .verify(BOUND);

        assertThat(booked).containsExactly("committed", "done 0");
    }

    @Test
    void aCancelBeforeAnyRequestSubscribesNothingAndIsBooked() {
        StepVerifier.create(stream(upstream.flux()), 0)
                .thenCancel()
                .verify(BOUND);

        upstream.assertWasNotSubscribed();
        assertThat(booked).containsExactly("cancelled 0");
    }

    @Test
    void nothingIsEmittedFromInsideTheClientsOnSubscribeSoACancelThereReachesTheStream() {
        List<String> seen = new CopyOnWriteArrayList<>();
        stream(upstream.flux()).subscribe(new BaseSubscriber<StreamEvent>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1);
                seen.add("onSubscribe returns");
            }

            @Override
            protected void hookOnNext(StreamEvent event) {
                seen.add(event.getClass().getSimpleName());
                cancel();
            }
        });

        assertThat(seen).containsExactly("onSubscribe returns", "Committed");
        upstream.assertWasNotSubscribed();
        assertThat(booked).containsExactly("committed", "cancelled 0");
    }

    @Test
    void itCanBeSubscribedOnlyOnce() {
        CommittedStream once = stream(Flux.empty());
        StepVerifier.create(once).expectNextCount(2).expectComplete().verify(BOUND);

        StepVerifier.create(once)
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("only once"))
                .verify(BOUND);
    }
}
