package dev.switchboard.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.GatewayException;
import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.config.ResumeProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ResumableStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Sinks.Many<byte[]> upstream = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private final AtomicBoolean upstreamCancelled = new AtomicBoolean();

    @AfterEach
    void stopTime() {
        time.dispose();
    }

    private ResumableStreams streams(ResumeProperties settings) {
        return new ResumableStreams(settings, () -> time, registry);
    }

    private ResumableStream stream(ResumableStreams streams) {
        return streams.create("client-a", "api/chat/stream", self -> upstream.asFlux()
                .doOnSubscribe(s -> upstreamCalls.incrementAndGet())
                .doOnCancel(() -> upstreamCancelled.set(true)));
    }

    private void send(String... texts) {
        for (String text : texts) {
            upstream.tryEmitNext(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String text(Frame frame) {
        return frame.seq() + ":" + new String(frame.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void numbersEveryEventFromOneAndSettlesOnceTheClientHadTheLast() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        AtomicBoolean settled = new AtomicBoolean();
        stream.whenSettled(() -> settled.set(true));

        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text))
                .then(() -> send("a", "b", "c"))
                .expectNext("1:a", "2:b", "3:c")
                .then(upstream::tryEmitComplete)
                .verifyComplete();

        assertThat(settled).isTrue();
        assertThat(stream.abandoned()).isFalse();
        time.advanceTimeBy(GRACE);
        assertThat(streams.size()).isZero();
        assertThat(stream.eventId(3)).isEqualTo(stream.id() + ".3");
    }

    @Test
    void aDeliveredStreamKeepsItsReplayWindowForTheGracePeriodButNotTheRequestThatMadeIt() throws InterruptedException {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        SourceHolding made = streamWhoseSourceHoldsARequest(streams);

        StepVerifier.create(made.stream().attach(0, false).map(ResumableStreamTest::text))
                .expectNext("1:a", "2:b")
                .expectComplete()
                .verify(WAIT);

        for (int i = 0; i < 50 && made.request().get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(made.request().get()).as("the request of a delivered stream, while it lingers").isNull();
        assertThat(streams.size()).isEqualTo(1);
        StepVerifier.create(streams.find(made.stream().id(), "client-a", "api/chat/stream").attach(1, true)
                        .map(ResumableStreamTest::text))
                .expectNext("2:b")
                .expectComplete()
                .verify(WAIT);
    }

    /** A stream and, weakly, the object only its source holds (as a real source holds its request). */
    private record SourceHolding(ResumableStream stream, WeakReference<Object> request) {
    }

    private static SourceHolding streamWhoseSourceHoldsARequest(ResumableStreams streams) {
        Object request = new byte[64 * 1024];
        ResumableStream stream = streams.create("client-a", "api/chat/stream", self -> Flux.just("a", "b")
                .map(text -> text.getBytes(StandardCharsets.UTF_8))
                .filter(bytes -> request != null));
        return new SourceHolding(stream, new WeakReference<>(request));
    }

    private static String texts(List<Frame> batch) {
        return String.join(",", batch.stream().map(ResumableStreamTest::text).toList());
    }

    @Test
    void eventsThatCameWhileTheConnectionWasWritingAreWrittenAsOneBatchAndANewOneAtOnce() {
        ResumableStream stream = stream(streams(ResumeProperties.of(GRACE)));

        StepVerifier.create(stream.attachBatches(0, false).map(ResumableStreamTest::texts), 0)
                .then(() -> send("a", "b", "c"))
                .thenRequest(1)
                .expectNext("1:a,2:b,3:c")
                .thenRequest(1)
                .then(() -> send("d"))
                .expectNext("4:d")
                .then(upstream::tryEmitComplete)
                .verifyComplete();
    }

    @Test
    void aConnectionOfSingleEventsGetsEveryOneEvenEmptyOnesThatWaited() {
        ResumableStream stream = stream(streams(ResumeProperties.of(GRACE)));

        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text), 0)
                .then(() -> send("", "", "c"))
                .then(upstream::tryEmitComplete)
                .thenRequest(3)
                .expectNext("1:", "2:", "3:c")
                .verifyComplete();
    }

    @Test
    void aBatchHoldsNoMoreThanItsBytesUnlessOneEventIsLarger() {
        ResumableStream stream = stream(streams(ResumeProperties.of(GRACE)));
        String half = "h".repeat(ResumableStream.MAX_BATCH_BYTES / 2);
        String large = "L".repeat(ResumableStream.MAX_BATCH_BYTES + 1);

        StepVerifier.create(stream.attachBatches(0, false).map(batch -> batch.stream()
                        .map(frame -> frame.seq() + ":" + frame.bytes().length).toList()), 0)
                .then(() -> send("a", half, half, large, "b"))
                .then(upstream::tryEmitComplete)
                .thenRequest(1)
                .expectNext(List.of("1:1", "2:" + half.length()))
                .thenRequest(1)
                .expectNext(List.of("3:" + half.length()))
                .thenRequest(1)
                .expectNext(List.of("4:" + large.length()))
                .thenRequest(1)
                .expectNext(List.of("5:1"))
                .verifyComplete();
    }

    @Test
    void aClientThatDropsMidStreamContinuesAfterItsLastEventWithoutASecondUpstreamCall() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);

        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text))
                .then(() -> send("a", "b"))
                .expectNext("1:a", "2:b")
                .thenCancel()
                .verify(WAIT);
        send("c", "d");
        upstream.tryEmitComplete();
        assertThat(upstreamCancelled).as("the upstream is read on while the client is away").isFalse();
        assertThat(streams.awayCount()).isEqualTo(1);
        assertThat(streams.keptBytes()).isPositive();

        StepVerifier.create(streams.find(stream.id(), "client-a", "api/chat/stream").attach(2, true)
                        .map(ResumableStreamTest::text))
                .expectNext("3:c", "4:d")
                .verifyComplete();

        assertThat(upstreamCalls).hasValue(1);
        assertThat(stream.resumes()).isEqualTo(1);
        assertThat(streams.awayCount()).isZero();
        time.advanceTimeBy(GRACE);
        assertThat(streams.size()).isZero();
        assertThat(streams.keptBytes()).isZero();
        assertThat(registry.counter("switchboard.resume.resumes").count()).isEqualTo(1);
    }

    @Test
    void aClientThatLostTheLastEventsInFlightGetsThemAgainFromTheReplayWindow() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);

        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text))
                .then(() -> send("a", "b", "c"))
                .expectNext("1:a", "2:b", "3:c")
                .thenCancel()
                .verify(WAIT);

        StepVerifier.create(stream.attach(1, true).map(ResumableStreamTest::text))
                .expectNext("2:b", "3:c")
                .then(() -> send("d"))
                .expectNext("4:d")
                .then(upstream::tryEmitComplete)
                .verifyComplete();
        assertThat(upstreamCalls).hasValue(1);
    }

    @Test
    void aStreamWhoseUpstreamFinishedWhileTheClientWasAwayIsResumedToItsEnd() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text))
                .then(() -> send("a"))
                .expectNext("1:a")
                .thenCancel()
                .verify(WAIT);
        send("b", "done");
        upstream.tryEmitComplete();
        time.advanceTimeBy(GRACE.minusSeconds(1));

        StepVerifier.create(stream.attach(1, true).map(ResumableStreamTest::text))
                .expectNext("2:b", "3:done")
                .verifyComplete();
        assertThat(stream.abandoned()).isFalse();
    }

    @Test
    void aStreamWrittenToItsEndIsResumedFromItsReplayWindowUntilTheGracePeriodEnds() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        AtomicBoolean settled = new AtomicBoolean();
        stream.whenSettled(() -> settled.set(true));
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a", "b", "c"))
                .expectNextCount(3)
                .then(upstream::tryEmitComplete)
                .verifyComplete();
        assertThat(settled).as("the request ends once the last event was written").isTrue();

        // the connection broke after event 1 reached the client: 2 and 3 were lost in flight
        StepVerifier.create(streams.find(stream.id(), "client-a", "api/chat/stream").attach(1, true)
                        .map(ResumableStreamTest::text))
                .expectNext("2:b", "3:c")
                .verifyComplete();
        StepVerifier.create(stream.attach(3, true)).verifyComplete();
        assertThat(upstreamCalls).hasValue(1);
        assertThat(streams.keptBytes()).as("the window counts against the instance's bound").isPositive();

        time.advanceTimeBy(GRACE);
        assertThat(streams.keptBytes()).isZero();
        assertThat(streams.size()).isZero();
        assertStreamExpired(() -> streams.find(stream.id(), "client-a", "api/chat/stream"));
        StepVerifier.create(stream.attach(3, true))
                .expectErrorSatisfies(error -> assertThat(((GatewayException) error).status()).isEqualTo(410))
                .verify(WAIT);
    }

    @Test
    void aClientThatStaysAwayPastTheGracePeriodFindsTheStreamExpiredAndTheUpstreamCancelled() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);

        time.advanceTimeBy(GRACE.minusMillis(1));
        assertThat(upstreamCancelled).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(upstreamCancelled).isTrue();
        assertThat(stream.abandoned()).isTrue();
        assertThat(streams.keptBytes()).isZero();
        assertStreamExpired(() -> streams.find(stream.id(), "client-a", "api/chat/stream"));
        assertThat(registry.counter("switchboard.resume.expired", "reason", "grace").count()).isEqualTo(1);
    }

    @Test
    void aClientThatComesBackWithinTheGracePeriodStopsTheTimer() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);
        time.advanceTimeBy(GRACE.minusSeconds(1));

        StepVerifier.create(stream.attach(1, true).map(ResumableStreamTest::text))
                .then(() -> time.advanceTimeBy(GRACE))
                .then(() -> send("b"))
                .expectNext("2:b")
                .then(upstream::tryEmitComplete)
                .verifyComplete();
        assertThat(upstreamCancelled).isFalse();
    }

    @Test
    void aStreamKeepingMoreThanItsByteBoundForAnAbsentClientEndsAndCancelsItsUpstream() {
        ResumeProperties settings = new ResumeProperties(GRACE, DataSize.ofBytes(0), DataSize.ofBytes(1000),
                DataSize.ofMegabytes(1), null);
        ResumableStreams streams = streams(settings);
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);

        send("x".repeat(400), "y".repeat(400));
        assertThat(upstreamCancelled).as("800 bytes and overhead fit in 1000").isFalse();
        send("z".repeat(400));

        assertThat(upstreamCancelled).isTrue();
        assertThat(stream.abandoned()).isTrue();
        assertThat(streams.keptBytes()).isZero();
        assertStreamExpired(() -> streams.find(stream.id(), "client-a", "api/chat/stream"));
        assertThat(registry.counter("switchboard.resume.expired", "reason", "bytes").count()).isEqualTo(1);
    }

    @Test
    void theInstanceWideByteBoundEndsTheStreamThatCrossesIt() {
        ResumeProperties settings = new ResumeProperties(GRACE, DataSize.ofBytes(0), DataSize.ofKilobytes(64),
                DataSize.ofBytes(600), null);
        ResumableStreams streams = streams(settings);
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);

        send("x".repeat(500), "y".repeat(500));

        assertThat(upstreamCancelled).isTrue();
        assertStreamExpired(() -> streams.find(stream.id(), "client-a", "api/chat/stream"));
    }

    @Test
    void anotherClientCannotSeeTheStreamAndTheAdminCan() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);

        assertStreamExpired(() -> streams.find(stream.id(), "client-b", "api/chat/stream"));
        assertThat(streams.find(stream.id(), "admin", "api/chat/stream")).isSameAs(stream);
        assertThatThrownBy(() -> streams.find(stream.id(), "client-a", "v1/chat/completions"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("another endpoint");
    }

    @Test
    void aStreamIdOfAnotherInstanceIsAnsweredWithTheInstanceThatHoldsIt() {
        ResumableStreams streams = streams(new ResumeProperties(GRACE, DataSize.ofKilobytes(4),
                DataSize.ofKilobytes(256), DataSize.ofMegabytes(64), "here"));

        assertThatThrownBy(() -> streams.find("there.AAAAAAAAAAAAAAAA", "client-a", "api/chat/stream"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.code()).isEqualTo("stream_expired");
                })
                .hasMessageContaining("instance 'there'");
    }

    @Test
    void aSecondConnectionTakesTheStreamOverFromTheFirst() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        Flux<String> first = stream.attach(0, false).map(ResumableStreamTest::text);

        StepVerifier.create(first)
                .then(() -> send("a"))
                .expectNext("1:a")
                .then(() -> StepVerifier.create(stream.attach(1, true).map(ResumableStreamTest::text))
                        .then(() -> send("b"))
                        .expectNext("2:b")
                        .then(upstream::tryEmitComplete)
                        .verifyComplete())
                .expectError(ResumedElsewhereException.class)
                .verify(WAIT);
    }

    @Test
    void aClientThatGoesAwayBeforeItCouldKnowTheStreamIdCancelsTheUpstreamAtOnce() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);

        Disposable connection = stream.attach(0, false).subscribe();
        assertThat(streams.size()).isEqualTo(1);
        connection.dispose();

        assertThat(streams.size()).isZero();
        assertThat(upstreamCalls).hasValue(1);
        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void aLastEventIdBeyondWhatWasSentIsABadRequest() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);
        StepVerifier.create(stream.attach(0, false))
                .then(() -> send("a"))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);

        StepVerifier.create(stream.attach(7, true))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid_event_id")))
                .verify(WAIT);
        assertThatThrownBy(() -> EventId.parse("not an id")).isInstanceOf(InvalidRequestException.class);
        assertThat(EventId.parse(stream.eventId(1))).isEqualTo(new EventId(stream.id(), 1));
    }

    @Test
    void aStreamStartedWithoutAConnectionReadsOnUntilItsClientComesAndExpiresWithoutIt() {
        ResumableStreams streams = streams(ResumeProperties.of(GRACE));
        ResumableStream stream = stream(streams);

        StepVerifier.create(stream.startDetached())
                .then(() -> send("a"))
                .verifyComplete();
        stream.handedOut();
        for (int i = 0; i < 100; i++) {
            send("x" + i);
        }
        assertThat(upstreamCancelled).isFalse();
        StepVerifier.create(stream.attach(0, false).map(ResumableStreamTest::text))
                .expectNext("1:a", "2:x0")
                .expectNextCount(99)
                .then(upstream::tryEmitComplete)
                .verifyComplete();
        assertThat(upstreamCalls).hasValue(1);

        Sinks.Many<byte[]> other = Sinks.many().unicast().onBackpressureBuffer();
        ResumableStream forgotten = streams.create("client-a", "api/chat/stream", self -> other.asFlux());
        StepVerifier.create(forgotten.startDetached())
                .then(() -> other.tryEmitNext("a".getBytes(StandardCharsets.UTF_8)))
                .verifyComplete();
        forgotten.handedOut();
        time.advanceTimeBy(GRACE);
        assertThat(forgotten.abandoned()).isTrue();
    }

    private static void assertStreamExpired(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(410);
            assertThat(e.code()).isEqualTo("stream_expired");
        });
    }
}
