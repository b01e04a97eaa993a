package dev.switchboard.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.chat.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SseDecoderTest {

    private static final String STREAM = ": OPENROUTER PROCESSING\n\n"
            + "data: {\"a\":1}\n\n"
            + "event: content_block_delta\ndata: {\"t\":\"é🙂\"}\n\n"
            + "data: line one\ndata: line two\n\n"
            + "id: 7\nretry: 100\ndata: [DONE]\n\n";

    private static List<SseEvent> events(List<SseEvent> all) {
        return all.stream().filter(e -> !e.isPulse()).toList();
    }

    private static List<SseEvent> decodeInPieces(byte[] bytes, int... cuts) {
        SseDecoder decoder = new SseDecoder(1 << 16);
        List<SseEvent> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            out.addAll(decoder.feed(bytes, from, cut - from));
            from = cut;
        }
        out.addAll(decoder.feed(bytes, from, bytes.length - from));
        return events(out);
    }

    private static final List<SseEvent> EXPECTED = List.of(
            new SseEvent("message", "{\"a\":1}"),
            new SseEvent("content_block_delta", "{\"t\":\"é🙂\"}"),
            new SseEvent("message", "line one\nline two"),
            new SseEvent("message", "[DONE]"));

    @Test
    void decodesNamedEventsMultiLineDataAndSkipsComments() {
        assertThat(decodeInPieces(STREAM.getBytes(StandardCharsets.UTF_8))).isEqualTo(EXPECTED);
    }

    @Test
    void aFieldWithoutColonOrValueCountsAsEmptyAndOtherFieldsAreIgnored() {
        String stream = "data\n\n" + "data:\ndata: x\n\n" + "dat: no\nevents: no\ndata: y\n\n" + "event\ndata: z\n\n";
        assertThat(decodeInPieces(stream.getBytes(StandardCharsets.UTF_8))).containsExactly(
                new SseEvent("message", ""),
                new SseEvent("message", "\nx"),
                new SseEvent("message", "y"),
                new SseEvent("message", "z"));
    }

    @Test
    void theLineLimitHoldsAfterAnotherStreamGrewTheThreadsLineBuffer() {
        byte[] longLine = ("data: " + "x".repeat(4000) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(events(new SseDecoder(1 << 16).feed(longLine, 0, longLine.length))).hasSize(1);

        SseDecoder strict = new SseDecoder(1000);
        assertThatThrownBy(() -> strict.feed(longLine, 0, longLine.length))
                .hasMessageContaining("exceeds 1000 bytes");
    }

    @Test
    void everySingleSplitPointGivesTheSameEvents() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(decodeInPieces(bytes, cut)).as("split at byte %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void byteByByteDeliveryGivesTheSameEvents() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        int[] cuts = new int[bytes.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(decodeInPieces(bytes, cuts)).isEqualTo(EXPECTED);
    }

    @Test
    void multiByteCharactersSplitAcrossReadsAreNeverMangled() {
        byte[] bytes = "data: é🙂\n\n".getBytes(StandardCharsets.UTF_8);
        int e = indexOf(bytes, (byte) 0xC3);
        int smiley = indexOf(bytes, (byte) 0xF0);

        List<SseEvent> events = decodeInPieces(bytes, e + 1, smiley + 1);

        assertThat(events).containsExactly(new SseEvent("message", "é🙂"));
        assertThat(events.get(0).data()).doesNotContain("\uFFFD");
    }

    @Test
    void crlfAndLoneCrLineEndingsWorkEvenWhenCrAndLfArriveApart() {
        byte[] crlf = "data: {\"x\":1}\r\n\r\ndata: two\r\r".getBytes(StandardCharsets.UTF_8);
        int firstCr = indexOf(crlf, (byte) '\r');

        assertThat(decodeInPieces(crlf, firstCr + 1, firstCr + 3))
                .containsExactly(new SseEvent("message", "{\"x\":1}"), new SseEvent("message", "two"));
    }

    @Test
    void eventWithoutItsBlankLineAtEndOfInputIsDropped() {
        assertThat(decodeInPieces("data: complete\n\ndata: cut off".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new SseEvent("message", "complete"));
    }

    @Test
    void streamsDecodedInTurnOnOneThreadKeepTheirOwnUnfinishedLines() {
        // every stream parses its reads in the thread's one scratch buffer and keeps only its unfinished line
        SseDecoder first = new SseDecoder(1 << 16);
        SseDecoder second = new SseDecoder(1 << 16);
        byte[] a = "data: {\"stream\":\"first\"}\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "data: {\"stream\":\"second\"}\n\n".getBytes(StandardCharsets.UTF_8);
        List<SseEvent> fromFirst = new ArrayList<>();
        List<SseEvent> fromSecond = new ArrayList<>();

        fromFirst.addAll(first.feed(a, 0, 10));
        fromSecond.addAll(second.feed(b, 0, 12));
        fromFirst.addAll(first.feed(a, 10, a.length - 10));
        fromSecond.addAll(second.feed(b, 12, b.length - 12));

        assertThat(events(fromFirst)).containsExactly(new SseEvent("message", "{\"stream\":\"first\"}"));
        assertThat(events(fromSecond)).containsExactly(new SseEvent("message", "{\"stream\":\"second\"}"));
    }

    @Test
    void aLongLineSplitOverManyReadsIsDecodedWhole() {
        String value = "z".repeat(5000);
        byte[] bytes = ("data: " + value + "\n\n").getBytes(StandardCharsets.UTF_8);
        SseDecoder decoder = new SseDecoder(1 << 16);
        List<SseEvent> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 700) {
            out.addAll(decoder.feed(bytes, i, Math.min(700, bytes.length - i)));
        }

        assertThat(events(out)).containsExactly(new SseEvent("message", value));
    }

    @Test
    void readsThatCompleteNoEventYieldAPulseForTheIdleTimer() {
        SseDecoder decoder = new SseDecoder(1024);
        byte[] comment = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

        assertThat(decoder.feed(comment, 0, comment.length)).containsExactly(SseEvent.PULSE);
    }

    @Test
    void aLineLongerThanTheLimitFailsInsteadOfGrowingWithoutBound() {
        SseDecoder decoder = new SseDecoder(1024);
        byte[] endless = new byte[4096];
        Arrays.fill(endless, (byte) 'x');

        assertThatThrownBy(() -> decoder.feed(endless, 0, endless.length))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("exceeds 1024 bytes");
    }

    @Test
    void anEventWhoseDataLinesAddUpPastTheLimitFailsInsteadOfGrowingWithoutBound() {
        SseDecoder decoder = new SseDecoder(1024);
        byte[] line = ("data: " + "y".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8);

        decoder.feed(line, 0, line.length);
        decoder.feed(line, 0, line.length);
        decoder.feed(line, 0, line.length);
        assertThatThrownBy(() -> decoder.feed(line, 0, line.length))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("event exceeds 1024 bytes");
    }

    @Test
    void decodeDispatchesInOrderAndLeavesEveryBufferToItsSource() {
        List<ByteBuf> buffers = pieces(STREAM.getBytes(StandardCharsets.UTF_8), 7);

        StepVerifier.create(SseDecoder.decode(Flux.fromIterable(buffers), 4096).filter(e -> !e.isPulse()))
                .expectNextSequence(EXPECTED)
                .expectComplete().verify(Duration.ofSeconds(5));

        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.refCnt()).isEqualTo(1));
        buffers.forEach(ByteBuf::release);
    }

    @Test
    void decodeReadsEachBufferBeforeItsSourceReleasesIt() {
        // as Reactor Netty delivers a body: each buffer is released as soon as the onNext that carried it returns
        List<ByteBuf> buffers = pieces(STREAM.getBytes(StandardCharsets.UTF_8), 5);
        Flux<ByteBuf> releasedAfterDelivery = Flux.generate(() -> 0, (index, sink) -> {
            if (index > 0) {
                buffers.get(index - 1).release();
            }
            if (index == buffers.size()) {
                sink.complete();
            } else {
                sink.next(buffers.get(index));
            }
            return index + 1;
        });

        // one event at a time: the events wait in the decoder's queue, the buffers must not
        StepVerifier.create(SseDecoder.decode(releasedAfterDelivery, 4096).filter(e -> !e.isPulse()), 1)
                .expectNext(EXPECTED.get(0))
                .thenRequest(Long.MAX_VALUE)
                .expectNextSequence(EXPECTED.subList(1, EXPECTED.size()))
                .expectComplete().verify(Duration.ofSeconds(5));
        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    @Test
    void aHeapBufferIsReadFromItsOwnWindowOfTheArray() {
        byte[] bytes = ("garbage" + STREAM + "trailing").getBytes(StandardCharsets.UTF_8);
        ByteBuf wrapped = Unpooled.wrappedBuffer(bytes);
        ByteBuf slice = wrapped.slice(4, bytes.length - 4 - "trailing".length()); // arrayOffset 4
        slice.readerIndex(3); // "garbage" is 7 bytes: 4 before the slice, 3 read already

        assertThat(slice.arrayOffset()).isEqualTo(4);
        assertThat(events(new SseDecoder(4096).feed(slice))).isEqualTo(EXPECTED);
    }

    @Test
    void aDirectReadLargerThanTheThreadsReadBufferIsReadWhole() {
        String value = "w".repeat(3000);
        byte[] bytes = ("data: " + value + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        try {
            assertThat(events(new SseDecoder(1 << 16).feed(direct)))
                    .containsExactly(new SseEvent("message", value), new SseEvent("message", "[DONE]"));
        } finally {
            direct.release();
        }
    }

    /** {@code bytes} in direct buffers of {@code size} bytes; a released one fails when read. */
    private static List<ByteBuf> pieces(byte[] bytes, int size) {
        List<ByteBuf> buffers = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            ByteBuf buffer = Unpooled.directBuffer(size);
            buffers.add(buffer.writeBytes(bytes, i, Math.min(size, bytes.length - i)));
        }
        return buffers;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}
