package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

/** One timer keeps all three deadlines of an upstream stream, in virtual time. */
class StreamDeadlinesTest {

    private static final long IDLE = 1_000;
    private static final long MAX_STREAM = 10_000;
    private static final long FIRST_CONTENT = 3_000;
    private static final ChatChunk TEXT = new ChatChunk.Delta(0, "Hi");

    private final TestPublisher<ChatChunk> upstream = TestPublisher.createCold();

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    private StreamDeadlines deadlines() {
        return new StreamDeadlines(upstream.flux(), IDLE, MAX_STREAM, FIRST_CONTENT);
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
                        IDLE, MAX_STREAM, FIRST_CONTENT))
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
                MAX_STREAM, FIRST_CONTENT)
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
