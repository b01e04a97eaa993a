package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class WaitingBuffersTest {

    private static final DefaultDataBufferFactory HEAP = DefaultDataBufferFactory.sharedInstance;

    @Test
    void buffersThatCameWhileTheWriterWasBusyAreHandedOverAsOneAndTheFirstAtOnce() {
        TestPublisher<DataBuffer> source = TestPublisher.create();

        StepVerifier.create(WaitingBuffers.joined(source.flux(), HEAP, 1024).map(WaitingBuffersTest::text), 1)
                .then(() -> source.next(heap("a")))
                .expectNext("a")
                .then(() -> source.next(heap("b")).next(heap("c")))
                .thenRequest(1)
                .expectNext("bc")
                .thenRequest(1)
                .then(() -> source.next(heap("d")))
                .expectNext("d")
                .then(source::complete)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void theSourceIsReadOnlyWhileLessThanTheLimitWaits() {
        AtomicLong requested = new AtomicLong();
        TestPublisher<DataBuffer> source = TestPublisher.create();
        Flux<DataBuffer> counted = source.flux().doOnRequest(requested::addAndGet);

        StepVerifier.create(WaitingBuffers.joined(counted, HEAP, 4).map(WaitingBuffersTest::text), 0)
                .then(() -> source.next(heap("abc")))
                .then(() -> assertThat(requested).hasValue(2)) // 3 bytes wait: one more asked
                .then(() -> source.next(heap("def")))
                .then(() -> assertThat(requested).hasValue(2)) // 6 bytes wait: no more until the writer takes them
                .thenRequest(1)
                .expectNext("abcdef")
                .then(() -> assertThat(requested).hasValue(3))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void whatWaitedComesBeforeTheErrorAndTheEnd() {
        IllegalStateException failure = new IllegalStateException("upstream broke");

        StepVerifier.create(WaitingBuffers.joined(Flux.just(heap("x"), heap("y"))
                        .concatWith(Flux.error(failure)), HEAP, 1024).map(WaitingBuffersTest::text), 1)
                .expectNext("x")
                .thenRequest(1)
                .expectNext("y")
                .expectErrorMatches(e -> e == failure)
                .verify(Duration.ofSeconds(5));
        // a writer that always asked: nothing waits, so nothing is joined
        StepVerifier.create(WaitingBuffers.joined(Flux.just(heap("x"), heap("y"), heap("z")), HEAP, 1024)
                        .map(WaitingBuffersTest::text))
                .expectNext("x", "y", "z")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void cancellingReleasesWhatWaits() {
        NettyDataBufferFactory netty = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
        List<ByteBuf> sent = new ArrayList<>();
        TestPublisher<DataBuffer> source = TestPublisher.create();
        List<DataBuffer> received = new ArrayList<>();

        StepVerifier.create(WaitingBuffers.joined(source.flux(), netty, 1024), 1)
                .then(() -> source.next(netty(netty, "first", sent)))
                .consumeNextWith(received::add)
                .then(() -> source.next(netty(netty, "waits", sent)))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(source.wasCancelled()).isTrue();
        assertThat(sent.get(0).refCnt()).as("handed over: the writer's to release").isEqualTo(1);
        assertThat(sent.get(1).refCnt()).as("waiting when cancelled").isZero();
        received.forEach(DataBufferUtils::release);
    }

    @Test
    void buffersJoinedByNettyAreOneBufferOfAllTheirBytes() {
        NettyDataBufferFactory netty = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
        List<ByteBuf> sent = new ArrayList<>();
        TestPublisher<DataBuffer> source = TestPublisher.create();
        List<String> texts = new ArrayList<>();

        StepVerifier.create(WaitingBuffers.joined(source.flux(), netty, 1024), 0)
                .then(() -> source.next(netty(netty, "one ", sent), netty(netty, "two", sent)))
                .thenRequest(1)
                .consumeNextWith(batch -> {
                    texts.add(batch.toString(StandardCharsets.UTF_8));
                    DataBufferUtils.release(batch);
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(texts).containsExactly("one two");
        assertThat(sent).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    private static DataBuffer heap(String text) {
        return HEAP.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static DataBuffer netty(NettyDataBufferFactory factory, String text, List<ByteBuf> sent) {
        ByteBuf buffer = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        sent.add(buffer);
        return factory.wrap(buffer);
    }

    private static String text(DataBuffer buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
