package dev.switchboard.routing;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.providers.ChatChunk;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The timing half of the first-chunk probe, applied to one upstream attempt:
 *
 * <ul>
 *   <li>a first-content deadline: the first chunk that is not a keep-alive must arrive within it
 *       (comments and pings do not count, so a provider that only sends keep-alives still times out);
 *   <li>an idle timeout: no more than this between two reads of any kind (keep-alives reset it);
 *   <li>a cap on the whole stream, so an endless upstream is cut off.
 * </ul>
 *
 * Keep-alives are dropped here and a usage report is never the first element; downstream sees content first. The other half, not committing before the
 * first element and falling back on an error before it, is in {@link FallbackChain}.
 */
final class FirstChunkProbe {

    private FirstChunkProbe() {
    }

    static Flux<ChatChunk> guard(Flux<ChatChunk> upstream, Duration firstContent, Duration idle, Duration maxStream) {
        return Flux.defer(() -> {
            long streamDeadline = now() + maxStream.toMillis();
            return upstream
                    .timeout(Mono.delay(untilNextRead(idle, streamDeadline)),
                            chunk -> Mono.delay(untilNextRead(idle, streamDeadline)),
                            Mono.error(() -> readTimeout(idle, streamDeadline, maxStream)))
                    .transform(FirstChunkProbe::contentFirst)
                    .timeout(Mono.delay(firstContent), chunk -> Mono.never(),
                            Mono.error(() -> UpstreamException.of(ErrorClass.TIMEOUT,
                                    "no content from upstream within " + firstContent.toMillis() + " ms")));
        });
    }

    /**
     * Drops keep-alives, and holds a usage report that arrives before any content until the first
     * content chunk (then emits it right after), so only real content can commit the stream.
     */
    private static Flux<ChatChunk> contentFirst(Flux<ChatChunk> chunks) {
        return Flux.defer(() -> {
            ChatChunk[] heldUsage = new ChatChunk[1];
            boolean[] seenContent = new boolean[1];
            return chunks.concatMapIterable(chunk -> {
                if (chunk == ChatChunk.KeepAlive.INSTANCE) {
                    return java.util.List.of();
                }
                if (!seenContent[0] && !chunk.isContent()) {
                    heldUsage[0] = chunk;
                    return java.util.List.of();
                }
                if (!seenContent[0] && heldUsage[0] != null) {
                    seenContent[0] = true;
                    return java.util.List.of(chunk, heldUsage[0]);
                }
                seenContent[0] = true;
                return java.util.List.of(chunk);
            });
        });
    }

    private static Duration untilNextRead(Duration idle, long streamDeadline) {
        long left = Math.max(0, streamDeadline - now());
        return left < idle.toMillis() ? Duration.ofMillis(left) : idle;
    }

    private static UpstreamException readTimeout(Duration idle, long streamDeadline, Duration maxStream) {
        if (now() >= streamDeadline) {
            return UpstreamException.of(ErrorClass.TIMEOUT, "stream exceeded the maximum duration of "
                    + maxStream.toSeconds() + " s");
        }
        return UpstreamException.of(ErrorClass.TIMEOUT, "upstream sent nothing for " + idle.toMillis() + " ms");
    }

    /** Scheduler time, so virtual-time tests move it too. */
    static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }
}
