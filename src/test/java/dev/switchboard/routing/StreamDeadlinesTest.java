package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.RequestProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One timer keeps all the deadlines of an upstream stream, in virtual time; the first-content and idle ones
 * count from when the request went out, when the source says so.
 */
class StreamDeadlinesTest {

    private static final long IDLE = 1_000;
    private static final long MAX_STREAM = 10_000;
    private static final long FIRST_CONTENT = 3_000;
    private static final long REQUEST_LEFT = 60_000;
    private static final ChatChunk TEXT = new ChatChunk.Delta(0, "Hi");

    private final TestPublisher<ChatChunk> upstream = TestPublisher.createCold();

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    private StreamDeadlines deadlines() {
        return new StreamDeadlines(upstream.flux(), IDLE, MAX_STREAM, FIRST_CONTENT, REQUEST_LEFT);
    }

    @Test
    void keepAlivesResetTheIdleTimerButDoNotCountAsFirstContent() {
        StepVerifier.withVirtualTime(this::deadlines)
                .expectSubscription()
                .then(() -> upstream.next(ChatChunk.KeepAlive.INSTANCE))
                .expectNext(ChatChunk.KeepAlive.INSTANCE)
                .thenAwait(Duration.ofMillis(900))
                .then(() -> upstream.next(ChatChunk.KeepAlive.INSTANCE))
                .expectNext(ChatChunk.KeepAlive.INSTANCE)
                .thenAwait(Duration.ofMillis(900))
                .then(() -> upstream.next(ChatChunk.KeepAlive.INSTANCE))
                .expectNext(ChatChunk.KeepAlive.INSTANCE)
                .thenAwait(Duration.ofMillis(900))
                .then(() -> upstream.next(ChatChunk.KeepAlive.INSTANCE))
                .expectNext(ChatChunk.KeepAlive.INSTANCE)
                .thenAwait(Duration.ofMillis(300))
                .expectErrorSatisfies(e -> assertTimeout(e, "no content from upstream within 3000 ms"))
                .verify(Duration.ofSeconds(5));
        upstream.assertCancelled();
    }

    @Test
    void theFirstContentDeadlineStartsWhenTheRequestGoesOutNotWhileItWaitsForAConnection() {
        // the request waits 5 s for a connection (longer than the idle and first-content deadlines, 4 and 3 s),
        // then its content comes 2.9 s after it went out
        Flux<ChatChunk> answer = Mono.delay(Duration.ofMillis(2_900)).map(i -> TEXT).flux();

        StepVerifier.withVirtualTime(() -> new StreamDeadlines(sentAfter(Duration.ofMillis(5_000), answer), 4_000,
                        MAX_STREAM, FIRST_CONTENT, REQUEST_LEFT))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(7_900))
                .expectNext(TEXT)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theIdleTimeoutCountsFromTheRequestGoingOut() {
        StepVerifier.withVirtualTime(() -> new StreamDeadlines(sentAfter(Duration.ofMillis(2_500), Flux.never()), 3_000,
                        MAX_STREAM, 10_000, REQUEST_LEFT))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(5_400))
                .thenAwait(Duration.ofMillis(100))
                .expectErrorSatisfies(e -> assertTimeout(e, "upstream sent nothing for 3000 ms"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aRequestStillWaitingForAConnectionAtTheRequestDeadlineFailsSayingSo() {
        StepVerifier.withVirtualTime(() -> new StreamDeadlines(sentAfter(Duration.ofMillis(9_000), Flux.never()), IDLE,
                        MAX_STREAM, FIRST_CONTENT, 8_000))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(7_900))
                .thenAwait(Duration.ofMillis(100))
                .expectErrorSatisfies(e -> assertTimeout(e, "no upstream connection free within the request deadline"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theRequestDeadlineStillBoundsTheFirstContentOfARequestThatWentOutLate() {
        StepVerifier.withVirtualTime(() -> new StreamDeadlines(sentAfter(Duration.ofMillis(2_500), Flux.never()), 5_000,
                        MAX_STREAM, FIRST_CONTENT, 4_000))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(3_900))
                .thenAwait(Duration.ofMillis(100))
                .expectErrorSatisfies(e -> assertTimeout(e, "no content from upstream within the request deadline"))
                .verify(Duration.ofSeconds(5));
    }

    /**
     * A source whose request waits {@code waited} for a connection and then goes out, as the transport tells
     * ({@link RequestProgress}), and then answers {@code answer}.
     */
    private static Flux<ChatChunk> sentAfter(Duration waited, Flux<ChatChunk> answer) {
        return Flux.deferContextual(context -> {
            RequestProgress.connecting(context);
            return Mono.delay(waited).doOnNext(i -> RequestProgress.sent(context)).thenMany(answer);
        });
    }

    @Test
    void aSilenceLongerThanTheIdleTimeoutAfterContentFailsTheStream() {
        StepVerifier.withVirtualTime(this::deadlines)
                .expectSubscription()
                .then(() -> upstream.next(TEXT))
                .expectNext(TEXT)
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertTimeout(e, "upstream sent nothing for 1000 ms"))
                .verify(Duration.ofSeconds(5));
        upstream.assertCancelled();
    }

    @Test
    void aStreamThatKeepsSendingIsCutAtItsMaximumDuration() {
        StepVerifier.withVirtualTime(() -> new StreamDeadlines(Flux.interval(Duration.ofMillis(800)).map(i -> TEXT),
                        IDLE, MAX_STREAM, FIRST_CONTENT, REQUEST_LEFT))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(MAX_STREAM))
                .expectNextCount(12)
                .expectErrorSatisfies(e -> assertTimeout(e, "stream exceeded the maximum duration of 10 s"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aStreamThatEndsInTimeCompletesAndItsTimerNeverFires() {
        StepVerifier.withVirtualTime(this::deadlines)
                .expectSubscription()
                .then(() -> upstream.next(TEXT).complete())
                .expectNext(TEXT)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        // the deadlines pass; nothing is delivered after the completion (StepVerifier would report it)
        VirtualTimeScheduler.getOrSet().advanceTimeBy(Duration.ofMillis(MAX_STREAM * 2));
        upstream.assertWasNotCancelled();
    }

    @Test
    void aDeadlineMissedWhileAChunkIsBeingEmittedFailsTheStreamOnlyAfterIt() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        List<ChatChunk> received = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        deadlines().subscribe(new BaseSubscriber<ChatChunk>() {
            @Override
            protected void hookOnNext(ChatChunk chunk) {
                received.add(chunk);
                // the timer runs here, on this thread, in the middle of the emission: it must not fail the stream now
                time.advanceTimeBy(Duration.ofMillis(FIRST_CONTENT));
                assertThat(failure).hasNullValue();
            }

            @Override
            protected void hookOnError(Throwable error) {
                failure.set(error);
            }
        });

        upstream.next(ChatChunk.KeepAlive.INSTANCE);
        assertThat(failure).as("not while the chunk was being emitted").hasNullValue();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(received).containsExactly(ChatChunk.KeepAlive.INSTANCE);
        assertTimeout(failure.get(), "no content from upstream within 3000 ms");
        upstream.assertCancelled();
    }

    @Test
    void chunksAskedForOneAtATimeFromWithinTheSubscriberAllArrive() {
        List<ChatChunk> received = new ArrayList<>();
        new StreamDeadlines(Flux.range(0, 100).map(i -> (ChatChunk) new ChatChunk.Delta(0, "t" + i)), IDLE,
                MAX_STREAM, FIRST_CONTENT, REQUEST_LEFT)
                .subscribe(new BaseSubscriber<ChatChunk>() {
                    @Override
                    protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                        request(1);
                    }

                    @Override
                    protected void hookOnNext(ChatChunk chunk) {
                        received.add(chunk);
                        request(1);
                    }
                });

        assertThat(received).hasSize(100).endsWith(new ChatChunk.Delta(0, "t99"));
    }

    @Test
    void cancellingTheStreamCancelsTheUpstream() {
        StepVerifier.withVirtualTime(this::deadlines)
                .expectSubscription()
                .then(() -> upstream.next(TEXT))
                .expectNext(TEXT)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        upstream.assertCancelled();
    }

    private static void assertTimeout(Throwable error, String message) {
        assertThat(error).isInstanceOf(UpstreamException.class).hasMessage(message);
        assertThat(((UpstreamException) error).errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    }
}
