import dev.switchboard.config.ResumeProperties;
import dev.switchboard.resume.Frame;
import dev.switchboard.resume.ResumableStream;
import dev.switchboard.resume.ResumableStreams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Resumable streams in-process (issue 23, item 4): what the frame log costs in heap, and how long a resume
 * takes to replay what was kept. No network, no upstream: the source is a sink fed with OpenAI-format chunks
 * of realistic size, so the numbers are the gateway's own. Run by bench/resume.
 */
public final class ResumeBench {

    static final int CHUNKS = Integer.getInteger("chunks", 40);
    static final int STREAMS = Integer.getInteger("streams", 5000);

    /** A chunk as /v1/chat/completions writes it (about 230 bytes), without its id line. */
    static byte[] chunk(int i) {
        return ("data: {\"id\":\"chatcmpl-req_0123456789abcdef\",\"object\":\"chat.completion.chunk\",\"created\":"
                + "1764770000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + "\" token" + i + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    record Held(ResumableStream stream, Sinks.Many<byte[]> source) {
    }

    /** STREAMS streams whose client got the first event and went away; the rest of each answer is kept. */
    static List<Held> away(ResumableStreams streams) {
        List<Held> held = new ArrayList<>(STREAMS);
        for (int s = 0; s < STREAMS; s++) {
            Sinks.Many<byte[]> source = Sinks.many().unicast().onBackpressureBuffer();
            ResumableStream stream = streams.create("bench", "v1/chat/completions", self -> source.asFlux());
            Disposable connection = stream.attach(0, false).subscribe();
            source.tryEmitNext(chunk(0));
            connection.dispose();
            for (int i = 1; i < CHUNKS; i++) {
                source.tryEmitNext(chunk(i));
            }
            source.tryEmitNext("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            source.tryEmitComplete();
            held.add(new Held(stream, source));
        }
        return held;
    }

    public static void main(String[] args) {
        int frameBytes = chunk(10).length;
        System.out.printf("frames: %d chunks of %d bytes + [DONE] per answer, %d streams%n", CHUNKS, frameBytes,
                STREAMS);
        ResumeProperties settings = new ResumeProperties(Duration.ofMinutes(10), DataSize.ofKilobytes(4),
                DataSize.ofKilobytes(256), DataSize.ofGigabytes(2), "bench");

        // A. heap for streams whose client is away (everything after the first event kept)
        ResumableStreams streams = new ResumableStreams(settings, Schedulers::parallel, new SimpleMeterRegistry());
        long before = usedHeap();
        List<Held> held = away(streams);
        long after = usedHeap();
        long perStream = (after - before) / STREAMS;
        System.out.printf("A. away: heap %.1f MB for %d streams = %d B a stream (%d B of payload); "
                        + "counted as kept: %d B a stream; open=%d away=%d%n", (after - before) / 1e6, STREAMS,
                perStream, (long) frameBytes * CHUNKS, streams.keptBytes() / STREAMS, streams.size(),
                streams.awayCount());

        // B. resume: attach after event 1 and read the rest to the end, one stream at a time
        long[] firstNanos = new long[STREAMS];
        long[] allNanos = new long[STREAMS];
        for (int s = 0; s < STREAMS; s++) {
            ResumableStream stream = held.get(s).stream();
            AtomicReference<Long> first = new AtomicReference<>();
            long start = System.nanoTime();
            List<Frame> got = stream.attach(1, true).doOnNext(f -> first.compareAndSet(null, System.nanoTime()))
                    .collectList().block();
            long end = System.nanoTime();
            if (got == null || got.size() != CHUNKS) {
                throw new IllegalStateException("resume got " + (got == null ? 0 : got.size()) + " frames");
            }
            firstNanos[s] = first.get() - start;
            allNanos[s] = end - start;
        }
        System.out.printf("B. resume (in-process, %d kept events replayed): first event p50 %.1f µs p99 %.1f µs; "
                        + "all events p50 %.1f µs p99 %.1f µs%n", CHUNKS, pct(firstNanos, 50), pct(firstNanos, 99),
                pct(allNanos, 50), pct(allNanos, 99));

        // C. after delivery only the replay window stays, for the grace period
        long afterResume = usedHeap();
        System.out.printf("C. delivered, window kept: heap %.1f MB for %d streams = %d B a stream (window %d B); "
                        + "counted: %d B a stream%n", (afterResume - before) / 1e6, STREAMS,
                (afterResume - before) / STREAMS, settings.replayWindow().toBytes(), streams.keptBytes() / STREAMS);
        streams.close();
        held.clear();
    }

    static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }
}
