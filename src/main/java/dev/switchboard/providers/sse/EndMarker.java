package dev.switchboard.providers.sse;

import dev.switchboard.support.FlattenLists;
import dev.switchboard.support.LoopTimers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Ends an event stream at its format's end marker ({@code data: [DONE]}, {@code message_stop}) without
 * giving up the connection under it.
 *
 * <p>Cancelling a response body before it has ended closes its connection over HTTP/1.1 (the unread rest
 * makes it unusable for the next request) and resets its stream over HTTP/2. Cutting the stream at the marker
 * ({@code takeUntil}) therefore cost a new TCP connection, and with a real provider a TLS handshake, for every
 * streamed request, although the body ends right after the marker (its terminating chunk normally comes in the
 * same read). Here the stream reads on to the end of the body, drops whatever follows the marker, and ends
 * with the body, so the connection goes back to the pool. An upstream that keeps the body open after its
 * marker is cut off after the {@linkplain #endGrace() end grace}, which closes that connection as before.
 *
 * <p>Why the end grace is seconds, not half a second: on a loaded upstream the body's end can come well after
 * its marker. Holding 20,000 streams on 2 cores, 3,031 bodies ended 0.1 s or more after their marker (median
 * 0.48 s, 99th percentile 1.6 s, longest 2.0 s). A 500 ms grace reset 3,000–3,400 upstream HTTP/2 streams
 * per hold, and resets are what an upstream's rapid-reset guard counts: Netty's closes a connection, with all
 * its streams, after 200 resets in 30 s on it, and real providers' front ends have guards of the same kind.
 *
 * <p>An in-band error (an error event or chunk inside a 200 stream, e.g. Anthropic's
 * {@code overloaded_error}) is handled the same way by {@link #mapThrough}: the mapping failure is held
 * until the body ends (normally right after the error event), then raised, so a failed attempt leaves its
 * connection for the next one instead of closing it. There the wait is short ({@link #FAILURE_GRACE}): the
 * request is waiting to fall back. The adapters call {@link #mapThrough} with their format's end test and
 * event mapper.
 *
 * <p>Both waits stay below half the stream's idle timeout ({@code switchboard.routing.idle-timeout}), so the
 * stream's idle deadline, which sees no chunk while the body ends, never fires first.
 */
public final class EndMarker {

    /** The longest wait for a body to end after its marker. */
    public static final Duration MAX_END_GRACE = Duration.ofSeconds(5);

    /** The longest wait for a body to end after an in-band error, before the attempt gives it up. */
    public static final Duration FAILURE_GRACE = Duration.ofMillis(500);

    /** The waits for the default idle timeout (30 s). */
    public static final EndMarker DEFAULT = forIdleTimeout(Duration.ofSeconds(30));

    private final Duration endGrace;
    private final Duration failureGrace;

    private EndMarker(Duration endGrace, Duration failureGrace) {
        this.endGrace = endGrace;
        this.failureGrace = failureGrace;
    }

    /** The waits for streams whose idle deadline is {@code idleTimeout}: each at most half of it. */
    public static EndMarker forIdleTimeout(Duration idleTimeout) {
        Duration half = idleTimeout.dividedBy(2);
        return new EndMarker(min(MAX_END_GRACE, half), min(FAILURE_GRACE, half));
    }

    /** How long a body may stay open after its end marker before its connection is given up. */
    public Duration endGrace() {
        return endGrace;
    }

    /** How long a body may stay open after an in-band error before the error is raised and the body cut. */
    public Duration failureGrace() {
        return failureGrace;
    }

    /**
     * The events up to and including the first one {@code isEnd} accepts, each mapped by {@code map}, then
     * what {@code afterBody} gives once the body has ended; the stream ends when the body does, or
     * {@link #endGrace()} after the marker if the body stays open. When {@code map} throws (an in-band error),
     * nothing more is mapped and the failure is raised once the body ends, or {@link #failureGrace()} after
     * it, instead of {@code afterBody}; a transport error after it does not replace it (the in-band error says
     * what went wrong, e.g. which key is rate limited). {@code afterBody} may throw: the stream fails with it.
     *
     * <p>{@code reads} are the events of one upstream read each ({@link SseDecoder#reads}). A read is
     * filtered, tested for the marker and mapped in one step, into the chunks it stands for, and the waits and
     * the end are that step's too ({@link FlattenLists.Ending}): one operator a read instead of one to flatten
     * the reads, one to filter, one to flatten the mapped events, and the {@code takeUntilOther},
     * {@code onErrorMap} and {@code concatWith} that did the rest. Every chunk passes every operator of the
     * stream on its way to the client, so each one less is paid for every chunk (docs/PERFORMANCE.md).
     */
    public <T> Flux<T> mapThrough(Flux<? extends List<SseEvent>> reads, Predicate<SseEvent> isEnd,
            Function<SseEvent, ? extends Iterable<? extends T>> map, Supplier<? extends List<? extends T>> afterBody) {
        return Flux.defer(() -> {
            ReadMapper<T> mapper = new ReadMapper<>(isEnd, map, afterBody);
            return FlattenLists.of(reads, mapper::read, mapper);
        });
    }

    /**
     * One stream's events mapped read by read, up to its marker or its first in-band failure, and how the
     * stream ends. Its fields but {@link #grace} are written and read in the one serialized mapping step, and
     * read by the end once that step has signalled, so they need no lock.
     */
    private final class ReadMapper<T> implements FlattenLists.Ending<T> {

        final Predicate<SseEvent> isEnd;
        final Function<SseEvent, ? extends Iterable<? extends T>> map;
        final Supplier<? extends List<? extends T>> afterBody;
        /** {@link #one} as a function, made once per stream rather than once per read. */
        final Function<SseEvent, List<T>> perEvent = this::one;
        boolean past;
        @Nullable RuntimeException failure;
        /** Ends the body early: given before the first read. */
        private @Nullable Runnable endBody;
        /** The wait after the marker or the failure; disposed when the stream ends. */
        private volatile @Nullable Disposable grace;

        ReadMapper(Predicate<SseEvent> isEnd, Function<SseEvent, ? extends Iterable<? extends T>> map,
                Supplier<? extends List<? extends T>> afterBody) {
            this.isEnd = isEnd;
            this.map = map;
            this.afterBody = afterBody;
        }

        /** The chunks of one read's events: those before and at the marker, none after it or a failure. */
        List<T> read(List<SseEvent> events) {
            return SseDecoder.mapRead(events, perEvent);
        }

        @SuppressWarnings("unchecked")
        private List<T> one(SseEvent event) {
            if (past) {
                return List.of();
            }
            if (isEnd.test(event)) {
                past = true;
                endAfter(endGrace);
            }
            try {
                Iterable<? extends T> chunks = map.apply(event);
                return chunks instanceof List<?> list ? (List<T>) list : copy(chunks);
            } catch (RuntimeException e) {
                failure = e;
                past = true;
                endAfter(failureGrace);
                return List.of();
            }
        }

        /** The body is given up {@code wait} from now unless it ends first (the caller's event loop's timer). */
        private void endAfter(Duration wait) {
            Runnable end = endBody;
            if (end == null || grace != null) {
                return;
            }
            try {
                grace = LoopTimers.schedule(Schedulers.parallel(), end, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                end.run();
            }
        }

        @Override
        public void attached(Runnable endSource) {
            endBody = endSource;
        }

        @Override
        public List<? extends T> afterSource() {
            if (failure != null) {
                throw failure;
            }
            return afterBody.get();
        }

        @Override
        public Throwable sourceFailed(Throwable error) {
            return failure != null ? failure : error;
        }

        @Override
        public void ended() {
            Disposable wait = grace;
            if (wait != null) {
                wait.dispose();
            }
        }

        private List<T> copy(Iterable<? extends T> chunks) {
            List<T> out = new ArrayList<>();
            chunks.forEach(out::add);
            return out;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
