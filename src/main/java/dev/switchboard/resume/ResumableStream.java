package dev.switchboard.resume;

import dev.switchboard.chat.InvalidRequestException;
import dev.switchboard.chat.StreamEvent;
import dev.switchboard.routing.StreamDelivery;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * One streamed answer that outlives its client's connection. It reads its source (the surface's frames of one
 * {@code ChatService} stream) itself, so a dropped connection does not cancel the upstream; at most one
 * connection at a time reads it ({@link #attach}).
 *
 * <p>What it keeps ({@link KeptEvents}): the events not yet written to a connection, and of those written, the
 * newest that fit in the replay window (a connection that broke may have lost the last few in flight). While a
 * client is connected the source is read only a little ahead of it (backpressure, as without resuming), so only
 * the window is kept; while it is away the source is read on and everything is kept, up to the stream's and the
 * instance's byte bounds.
 *
 * <p>How it ends (it "settles" once, then frees what it kept and leaves the registry): delivered (a connection
 * was written the last event; its replay window is then kept for the grace period, as the last events may have
 * been lost in flight, so a resume in that time gets them again and the end), expired (the client stayed away
 * for the grace period, or the bounds were reached: the upstream is cancelled if it still runs), cancelled (the
 * client asked), or cancelled at once when the client went away before it could know the stream's id (nothing
 * to resume with, as without resuming).
 *
 * <p>Thread-safety: the source and the connections signal on different threads; the state is guarded by this
 * object's monitor, held only for bookkeeping (never while signalling a subscriber).
 */
public final class ResumableStream implements StreamDelivery {

    /** Source frames asked for ahead of the client (while it is away, ahead of the byte bounds). */
    static final int PREFETCH = 32;
    /** The bytes of events {@link #attachBatches} puts in one element (more only for one larger event). */
    static final int MAX_BATCH_BYTES = 32 * 1024;
    /** The batch bound of {@link #attach}: one event an element, whatever its size. */
    private static final int ONE_EVENT = KeptEvents.ONE_EVENT;

    private enum State { NEW, OPEN, FINISHED, SETTLED }

    private final ResumableStreams owner;
    private final String id;
    /** {@code <id>.} as ASCII: an event id on the wire is this and the event's number. */
    private final byte[] eventIdPrefix;
    private final String client;
    private final String surface;
    /** What makes the frames; dropped once started, so a stream that lingers does not keep the request. */
    private @Nullable FrameSource<?> source;

    private final KeptEvents events = new KeptEvents();
    private State state = State.NEW;
    private @Nullable Reader<?> reader;
    private boolean subscribed;
    private long outstanding;
    private boolean sourceEnded;
    private @Nullable Throwable failure;
    private @Nullable Attachment attached;
    /** Whether the client can know the stream's id: an event was written, or the id was handed out. */
    private boolean idGiven;
    /** The client is away: pending bytes count against the instance's bound, the grace timer runs. */
    private boolean away;
    private @Nullable Disposable graceTimer;
    /** Finished and delivered, its replay window kept for the grace period (counted in the instance's bound). */
    private boolean lingering;
    private @Nullable Disposable lingerTimer;
    private Sinks.@Nullable Empty<Void> firstFrame;
    private int resumes;
    private boolean abandoned;
    private @Nullable Runnable onSettled;
    private volatile StreamEvent.@Nullable Committed committed;

    ResumableStream(ResumableStreams owner, String id, String client, String surface,
            FrameSource<?> source) {
        this.owner = owner;
        this.id = id;
        this.eventIdPrefix = (id + ".").getBytes(StandardCharsets.US_ASCII);
        this.client = client;
        this.surface = surface;
        this.source = source;
    }

    public String id() {
        return id;
    }

    /** The client that started it; only it (or the admin token) may resume it. */
    public String client() {
        return client;
    }

    /** The endpoint family it was started on (its frames are in that surface's format). */
    public String surface() {
        return surface;
    }

    /** The id of event {@code seq}, as the client sees it. */
    public String eventId(long seq) {
        return id + "." + seq;
    }

    /**
     * What every event id of this stream begins with, {@code <id>.}, as ASCII bytes, so a connection writes an
     * event's id as these and its number without building a string for every event. Not to be changed.
     */
    public byte[] eventIdPrefix() {
        return eventIdPrefix;
    }

    /** The route the stream committed to, for the headers of a resumed connection. */
    public StreamEvent.@Nullable Committed committed() {
        return committed;
    }

    /** Called by the surface when it sees the stream commit. */
    public void committed(StreamEvent.Committed route) {
        committed = route;
    }

    /**
     * A connection's events, from the one after {@code after} (0: from the first): what is kept, then what
     * comes, then completion once the last event was written. The first subscription starts the source. Errors
     * before any event: the stream's own failure before it committed (as without resuming), a 410 when the
     * stream has ended or the events after {@code after} are no longer kept. A connection that another one
     * takes over ends with {@link ResumedElsewhereException}. Cancelling (the connection dropped) leaves the
     * stream to wait for its client, or cancels it when the client cannot know its id yet.
     *
     * @param resuming a client coming back (counted in {@link #resumes()})
     */
    public Flux<Frame> attach(long after, boolean resuming) {
        return attach(after, resuming, ONE_EVENT).map(batch -> batch.get(0));
    }

    /**
     * As {@link #attach(long, boolean)}, but each element is every event kept and not yet written when the
     * connection asks (at least one, at most {@value #MAX_BATCH_BYTES} bytes of them unless one event is
     * larger), in order.
     *
     * <p>Why: a connection asks for its next element only once the last one was written to the socket
     * (Reactor Netty's send prefetch is one, {@code SendPrefetch}), so one event an element cost one write
     * and flush, a system call, per event. An upstream read carries many events; written as one element they
     * cost one (docs/PERFORMANCE.md). The first event is never held back: a connection that asked gets it as
     * soon as it is there.
     */
    public Flux<List<Frame>> attachBatches(long after, boolean resuming) {
        return attach(after, resuming, MAX_BATCH_BYTES);
    }

    private Flux<List<Frame>> attach(long after, boolean resuming, int maxBatchBytes) {
        // IGNORE, not the default BUFFER: a batch is written only when the connection asked for it (drain and
        // replayFinished check the demand first), so the sink needs no queue of its own (BUFFER's costs about 1 KB)
        return Flux.create(sink -> connect(new Attachment(sink, maxBatchBytes), after, resuming),
                FluxSink.OverflowStrategy.IGNORE);
    }

    /**
     * Starts the stream with no connection (a client that will read it with a {@code GET} of its resume URL):
     * completes once the first event is there, fails as the stream does before its first event. Cancelling
     * cancels the stream. Then call {@link #handedOut()}.
     */
    public Mono<Void> startDetached() {
        return Mono.defer(() -> {
            Sinks.Empty<Void> first = Sinks.empty();
            synchronized (this) {
                if (state != State.NEW) {
                    return Mono.error(new IllegalStateException("stream " + id + " was already started"));
                }
                state = State.OPEN;
                firstFrame = first;
            }
            start();
            return first.asMono();
        }).doOnCancel(this::cancel);
    }

    /** The client was given the stream's id without an event (a {@code 202}): it may come for the events now. */
    public void handedOut() {
        long request = 0;
        synchronized (this) {
            if (state == State.SETTLED || idGiven) {
                return;
            }
            idGiven = true;
            if (attached == null) {
                goAway();
                request = demand(); // read on until the client comes, as for one that went away
            }
        }
        if (request > 0) {
            requestSource(request);
        }
    }

    /** The client asked to stop: the upstream is cancelled now, a connection reading the stream completes. */
    public void cancel() {
        end(false, "cancelled");
    }

    @Override
    public void whenSettled(Runnable then) {
        boolean now;
        synchronized (this) {
            now = state == State.SETTLED || state == State.FINISHED;
            if (!now) {
                onSettled = then;
            }
        }
        if (now) {
            then.run();
        }
    }

    @Override
    public synchronized int resumes() {
        return resumes;
    }

    @Override
    public synchronized boolean abandoned() {
        return abandoned;
    }

    /** Bytes this stream keeps now (payload and per-event overhead), for measurements. */
    synchronized long keptBytes() {
        return events.keptBytes();
    }

    synchronized boolean isAway() {
        return away;
    }

    /** The instance is shutting down: the upstream is cancelled, a connection reading the stream completes. */
    void endForShutdown() {
        end(false, "shutdown");
    }

    private void start() {
        owner.register(this);
        Runnable subscription = null;
        synchronized (this) {
            if (source != null) {
                subscription = reading(source);
                source = null;
            }
        }
        if (subscription != null) {
            subscription.run();
        }
    }

    /** Makes the source's reader the stream's (under the lock); running the result subscribes it (outside it). */
    private <T> Runnable reading(FrameSource<T> frames) {
        Reader<T> subscriber = new Reader<>(frames.bytes(), frames.context());
        reader = subscriber;
        return () -> frames.frames().apply(this).subscribe(subscriber);
    }

    private void connect(Attachment connection, long after, boolean resuming) {
        Attachment displaced = null;
        RuntimeException refused;
        boolean start = false;
        List<Frame> replay = null;
        Throwable replayError = null;
        synchronized (this) {
            refused = refusal(after);
            if (refused == null && state == State.FINISHED) {
                // delivered, but the last events may have been lost in flight: the window again, then the end
                replay = events.after(after);
                replayError = failure;
                if (resuming) {
                    resumes++;
                }
            } else if (refused == null) {
                displaced = attached;
                attached = connection;
                comeBack();
                events.moveTo(after, owner.replayWindow());
                if (resuming) {
                    resumes++;
                }
                if (state == State.NEW) {
                    state = State.OPEN;
                    start = true;
                }
            }
        }
        if (refused != null) {
            connection.sink.error(refused);
            return;
        }
        if (replay != null) {
            if (resuming) {
                owner.resumed();
            }
            replayFinished(connection, replay, replayError);
            return;
        }
        if (displaced != null) {
            displaced.sink.error(new ResumedElsewhereException(id));
        }
        if (resuming) {
            owner.resumed();
        }
        connection.sink.onRequest(n -> drain(connection));
        connection.sink.onCancel(() -> leave(connection));
        if (connection.sink.isCancelled()) {
            return; // cancelled as it subscribed: leave() has run (the stream, never started, is settled)
        }
        if (start) {
            start();
        }
        drain(connection);
    }

    /** Writes a finished stream's kept events to a connection as it asks for them, then its end. */
    private static void replayFinished(Attachment connection, List<Frame> frames, @Nullable Throwable error) {
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            if (connection.wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (next.get() < frames.size() && connection.sink.requestedFromDownstream() > 0
                        && !connection.sink.isCancelled()) {
                    int from = next.get();
                    int to = from + 1;
                    long bytes = frames.get(from).bytes().length;
                    while (to < frames.size()
                            && KeptEvents.joins(bytes, frames.get(to).bytes(), connection.maxBatchBytes)) {
                        bytes += frames.get(to).bytes().length;
                        to++;
                    }
                    next.set(to);
                    connection.sink.next(List.copyOf(frames.subList(from, to)));
                }
                if (next.get() == frames.size()) {
                    next.incrementAndGet();
                    if (error != null) {
                        connection.sink.error(error);
                    } else {
                        connection.sink.complete();
                    }
                }
                missed = connection.wip.addAndGet(-missed);
            } while (missed != 0);
        };
        connection.sink.onRequest(n -> drain.run());
    }

    private @Nullable RuntimeException refusal(long after) {
        if (state == State.SETTLED) {
            return owner.notOpen(id);
        }
        if (after > events.last()) {
            return new InvalidRequestException("invalid_event_id", "Event " + eventId(after)
                    + " was never sent: the stream has " + events.last() + " events so far.", "Last-Event-ID");
        }
        if (after < events.first() - 1) {
            return owner.gone("The events of stream " + id + " after " + eventId(after) + " are no longer kept (the"
                    + " replay window keeps only the newest events written before a connection broke); start the "
                    + "request again.");
        }
        return null;
    }

    /** The connection dropped (its subscription was cancelled). */
    private void leave(Attachment connection) {
        long request;
        synchronized (this) {
            if (attached != connection || state == State.SETTLED) {
                if (attached == connection) {
                    attached = null;
                }
                return;
            }
            attached = null;
            if (idGiven) {
                goAway();
                request = demand();
            } else {
                request = -1;
            }
        }
        if (request < 0) {
            // the client cannot know the id yet, so it cannot come back: cancel now, as without resuming
            end(false, null);
        } else if (request > 0) {
            requestSource(request);
        }
    }

    private void goAway() {
        away = true;
        owner.away(1);
        owner.pending(events.pendingBytes());
        graceTimer = owner.afterGrace(this::graceEnded);
    }

    private void comeBack() {
        if (graceTimer != null) {
            graceTimer.dispose();
            graceTimer = null;
        }
        if (away) {
            away = false;
            owner.away(-1);
            owner.pending(-events.pendingBytes());
        }
    }

    private void graceEnded() {
        synchronized (this) {
            if (attached != null || state == State.SETTLED) {
                return;
            }
            graceTimer = null;
        }
        end(true, "grace");
    }

    /**
     * Settles the stream before delivery: frees what it keeps, cancels the upstream if it still runs, completes a
     * connection that reads it, tells the request it ended.
     *
     * @param clientGone the client went away and will not get the rest
     * @param reason for the metrics; null when the stream never became resumable
     */
    private void end(boolean clientGone, @Nullable String reason) {
        Reader<?> source;
        Attachment connection;
        Sinks.Empty<Void> first;
        synchronized (this) {
            if (state == State.SETTLED) {
                return;
            }
            if (state == State.FINISHED) {
                // delivered already (its request was told): only its replay window goes
                state = State.SETTLED;
                release();
                source = null;
                connection = null;
                first = null;
                reason = null;
            } else {
                state = State.SETTLED;
                abandoned = clientGone;
                source = sourceEnded ? null : reader;
                connection = attached;
                attached = null;
                first = firstFrame;
                firstFrame = null;
                release();
            }
        }
        owner.ended(this, reason);
        if (connection != null) {
            connection.sink.complete();
        }
        if (first != null) {
            first.tryEmitError(owner.notOpen(id));
        }
        if (source != null) {
            source.dispose();
        }
        runSettled();
    }

    /** The grace period after delivery is over: the replay window goes. */
    private void lingerEnded() {
        synchronized (this) {
            if (state != State.FINISHED) {
                return;
            }
            lingerTimer = null;
            state = State.SETTLED;
            release();
        }
        owner.ended(this, null);
    }

    /** Frees what the stream keeps (under the lock). */
    private void release() {
        comeBack();
        if (lingering) {
            lingering = false;
            owner.pending(-events.windowBytes());
        }
        if (lingerTimer != null) {
            lingerTimer.dispose();
            lingerTimer = null;
        }
        events.clear();
    }

    private void runSettled() {
        Runnable then;
        synchronized (this) {
            then = onSettled;
            onSettled = null;
        }
        if (then != null) {
            then.run();
        }
    }

    private void onFrame(byte[] frame) {
        Attachment connection;
        Sinks.Empty<Void> first;
        boolean overflow = false;
        long request;
        synchronized (this) {
            outstanding--;
            if (state == State.SETTLED) {
                return;
            }
            long cost = events.append(frame);
            if (away) {
                long total = owner.pending(cost);
                overflow = events.pendingBytes() > owner.maxStreamBytes() || total > owner.maxTotalBytes();
            }
            first = firstFrame;
            firstFrame = null;
            connection = attached;
            request = overflow ? 0 : demand();
        }
        if (first != null) {
            first.tryEmitEmpty();
        }
        if (overflow) {
            end(true, "bytes");
            return;
        }
        if (request > 0) {
            requestSource(request);
        }
        if (connection != null) {
            drain(connection);
        }
    }

    private void onSourceEnd(@Nullable Throwable error) {
        Attachment connection;
        Sinks.Empty<Void> first;
        boolean settle = false;
        synchronized (this) {
            sourceEnded = true;
            // the reader holds the finished source's operators (and through them the request): a stream that
            // lingers for the grace period keeps only its replay window
            reader = null;
            if (state == State.SETTLED) {
                return;
            }
            failure = error;
            connection = attached;
            first = firstFrame;
            firstFrame = null;
            if (connection == null && !idGiven && (error != null || events.last() == 0)) {
                // started detached and failed before its first event: the starter sees the failure, nothing to keep
                settle = true;
                state = State.SETTLED;
                release();
            }
        }
        if (first != null) {
            if (error != null) {
                first.tryEmitError(error);
            } else {
                first.tryEmitEmpty();
            }
        }
        if (settle) {
            owner.ended(this, null);
            runSettled();
        } else if (connection != null) {
            drain(connection);
        }
    }

    /**
     * Writes what the connection may take: kept events after its position, as far as it asked; completes it
     * once the last event is written (the stream is then delivered). Serialised per connection (work-in-progress
     * counter), so concurrent signals never write out of order.
     */
    private void drain(Attachment connection) {
        if (connection.wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            for (;;) {
                List<Frame> next = null;
                boolean delivered = false;
                boolean linger = false;
                long request = 0;
                Throwable error = null;
                synchronized (this) {
                    if (attached != connection) {
                        return;
                    }
                    if (!events.allWritten()) {
                        if (connection.sink.requestedFromDownstream() > 0) {
                            next = events.takeBatch(connection.maxBatchBytes, owner.replayWindow());
                            idGiven = true;
                            request = demand();
                        }
                    } else if (sourceEnded) {
                        delivered = true;
                        error = failure;
                        attached = null;
                        linger = idGiven && !(error != null && events.last() == 0)
                                && owner.pending(events.windowBytes()) <= owner.maxTotalBytes();
                        if (linger) {
                            // the last events may still be lost in flight: the window stays for the grace period
                            state = State.FINISHED;
                            lingering = true;
                            lingerTimer = owner.afterGrace(this::lingerEnded);
                        } else {
                            if (idGiven) {
                                owner.pending(-events.windowBytes());
                            }
                            state = State.SETTLED;
                            release();
                        }
                    }
                }
                if (request > 0) {
                    requestSource(request);
                }
                if (next != null) {
                    connection.sink.next(next);
                    continue;
                }
                if (delivered) {
                    if (!linger) {
                        owner.ended(this, null);
                    }
                    if (error != null) {
                        connection.sink.error(error);
                    } else {
                        connection.sink.complete();
                    }
                    runSettled();
                    return;
                }
                break;
            }
            missed = connection.wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /**
     * How many more source frames to ask for now (under the lock): with a client connected, enough to stay
     * {@link #PREFETCH} frames ahead of it; while it is away, {@link #PREFETCH} outstanding at all times (the
     * byte bounds stop it). Asked for in batches of at least half of that.
     */
    private long demand() {
        if (!subscribed || sourceEnded) {
            return 0;
        }
        long ahead = events.ahead();
        long target = attached == null && idGiven ? PREFETCH : Math.max(0, PREFETCH - ahead);
        long missing = target - outstanding;
        if (missing < PREFETCH / 2) {
            return 0;
        }
        outstanding += missing;
        return missing;
    }

    private void requestSource(long n) {
        Reader<?> source;
        synchronized (this) {
            source = reader;
        }
        if (source != null) {
            source.request(n);
        }
    }

    /** One connection reading the stream. */
    private static final class Attachment {

        final FluxSink<List<Frame>> sink;
        final int maxBatchBytes;
        final AtomicInteger wip = new AtomicInteger();

        Attachment(FluxSink<List<Frame>> sink, int maxBatchBytes) {
            this.sink = sink;
            this.maxBatchBytes = maxBatchBytes;
        }
    }

    /**
     * Reads the source on the stream's behalf, whoever is connected: each frame as its bytes, the source's
     * context its own ({@link FrameSource}).
     */
    private final class Reader<T> extends BaseSubscriber<T> {

        private final Function<? super T, byte[]> bytes;
        private final Context context;

        Reader(Function<? super T, byte[]> bytes, Context context) {
            this.bytes = bytes;
            this.context = context;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            synchronized (ResumableStream.this) {
                subscribed = true;
                outstanding = PREFETCH;
            }
            subscription.request(PREFETCH);
        }

        @Override
        protected void hookOnNext(T frame) {
            onFrame(bytes.apply(frame));
        }

        @Override
        protected void hookOnComplete() {
            onSourceEnd(null);
        }

        @Override
        protected void hookOnError(Throwable error) {
            onSourceEnd(error);
        }
    }
}
