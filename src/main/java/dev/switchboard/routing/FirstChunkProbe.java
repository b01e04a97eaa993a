package dev.switchboard.routing;

import dev.switchboard.providers.ChatChunk;
import dev.switchboard.support.FlattenLists;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * The timing half of the first-chunk probe, applied to one upstream attempt ({@link StreamDeadlines}, one
 * timer for all of them):
 *
 * <ul>
 *   <li>a first-content deadline: the first chunk that is not a keep-alive must arrive within it of the
 *       request going out (comments and pings do not count, so a provider that only sends keep-alives still
 *       times out), and within the request's deadline;
 *   <li>an idle timeout: no more than this between two reads of any kind (keep-alives reset it);
 *   <li>a cap on the whole stream, so an endless upstream is cut off.
 * </ul>
 *
 * Keep-alives are dropped here and a usage report is never the first element, so downstream sees content
 * first. The other half, not committing before the first element and falling back on an error before it,
 * is in {@link FallbackChain}.
 */
final class FirstChunkProbe {

    private final Duration idle;
    private final Duration maxStream;

    /**
     * @param idle longest silence between two upstream reads
     * @param maxStream cap on one whole stream
     */
    FirstChunkProbe(Duration idle, Duration maxStream) {
        this.idle = idle;
        this.maxStream = maxStream;
    }

    /**
     * The upstream stream with the probe's timing: its first content within {@code firstContent} of its
     * request going out, and within {@code requestLeft} (what is left of the request's deadline) of now, which
     * alone bounds a wait for a connection.
     */
    Flux<ChatChunk> guard(Flux<ChatChunk> upstream, Duration firstContent, Duration requestLeft) {
        return new StreamDeadlines(upstream, idle.toMillis(), maxStream.toMillis(), firstContent.toMillis(),
                requestLeft.toMillis())
                .transform(FirstChunkProbe::contentFirst);
    }

    /**
     * Drops keep-alives, and holds what arrives before the first content and is no content itself: a
     * usage report (emitted right after the first content) and relayed upstream events (emitted, in order,
     * right before it, so a relaying surface writes the provider's events in the order they came). Only
     * real content can commit the stream; a relayed event that carries content is content.
     */
    private static Flux<ChatChunk> contentFirst(Flux<ChatChunk> chunks) {
        return Flux.defer(() -> {
            HeldBack held = new HeldBack();
            // a few chunks ahead, a queue for them only when the client falls behind (concatMapIterable's
            // default prefetch of 32 cost a queue of about 570 bytes for every open stream)
            return FlattenLists.of(chunks, held::pass);
        });
    }

    /** What one stream holds back until its first content; per subscription. */
    private static final class HeldBack {

        private boolean seenContent;
        private @Nullable ChatChunk usage;
        private @Nullable List<ChatChunk> relayed;

        List<ChatChunk> pass(ChatChunk chunk) {
            if (chunk == ChatChunk.KeepAlive.INSTANCE) {
                return List.of();
            }
            if (seenContent) {
                return List.of(chunk);
            }
            if (chunk instanceof ChatChunk.Relay && !chunk.isContent()) {
                if (relayed == null) {
                    relayed = new ArrayList<>(2);
                }
                relayed.add(chunk);
                return List.of();
            }
            if (!chunk.isContent()) {
                usage = chunk;
                return List.of();
            }
            seenContent = true;
            if (relayed == null && usage == null) {
                return List.of(chunk);
            }
            List<ChatChunk> out = relayed == null ? new ArrayList<>(2) : relayed;
            out.add(chunk);
            if (usage != null) {
                out.add(usage);
            }
            relayed = null;
            usage = null;
            return out;
        }
    }
}
